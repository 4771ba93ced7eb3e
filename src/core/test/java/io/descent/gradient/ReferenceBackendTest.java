package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The reference against itself (the contract) and against central finite differences. */
class ReferenceBackendTest extends GradientBackendContractTest {
  @Override
  protected GradientBackend open(Dataset data, Standardization standardization, Loss loss) {
    return new ReferenceBackend(data, standardization, loss);
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void gradientMatchesCentralDifferences(Loss loss) {
    Dataset data = randomData(400, 6, loss, 21);
    ReferenceBackend ref = new ReferenceBackend(data, Standardization.fit(data), loss);
    double[] theta = randomTheta(6, 22);
    double[] g = ref.evaluate(theta, Batch.all(400)).gradient();
    double[] fd = new double[theta.length];
    for (int j = 0; j < theta.length; j++) {
      double h = 1e-5 * Math.max(1, Math.abs(theta[j]));
      double[] p = theta.clone();
      double[] m = theta.clone();
      p[j] += h;
      m[j] -= h;
      fd[j] = (ref.evaluate(p, Batch.all(400)).loss() - ref.evaluate(m, Batch.all(400)).loss())
          / (2 * h);
    }
    double err = relativeError(fd, g);
    assertTrue(err < 1e-8, "finite differences disagree by " + err);
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void lossOfOneRowIsTheFormula(Loss loss) {
    Dataset data = new Dataset("one", java.util.List.of("a"), "y", new float[] {2f},
        new double[] {1}, null);
    ReferenceBackend ref = new ReferenceBackend(data, Standardization.identity(1), loss);
    Evaluation e = ref.evaluate(new double[] {0.5, 0.25}, Batch.all(1));
    double m = 0.5 + 0.25 * 2;
    double expected = loss == Loss.LINEAR ? 0.5 * (1 - m) * (1 - m) : Math.log(1 + Math.exp(m)) - m;
    double r = loss == Loss.LINEAR ? m - 1 : 1 / (1 + Math.exp(-m)) - 1;
    assertEquals(expected, e.loss(), 1e-15);
    assertEquals(r, e.gradient()[0], 1e-15);
    assertEquals(2 * r, e.gradient()[1], 1e-15);
  }
}
