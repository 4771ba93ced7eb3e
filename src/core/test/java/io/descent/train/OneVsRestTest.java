package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** One-vs-rest on iris and wine: C binary models in the same passes, each the trainer's. */
class OneVsRestTest {
  private static Dataset read(String file, String target) throws IOException {
    return new CsvReader(CsvReader.Options.numericTarget(target))
        .read(ReferenceProblems.datasets().resolve(file));
  }

  private static void assertEachModelIsTheTrainers(Dataset data, double l2, double accuracy) {
    OneVsRest ovr = OneVsRest.fit(data, l2, "reference", null,
        CrossValidation.Options.defaultSettings(), line -> { });
    assertEquals(3, ovr.classes());
    int most = 0;
    for (int c = 0; c < 3; c++) {
      double[] y = new double[data.rows()];
      for (int i = 0; i < y.length; i++) {
        y[i] = data.y()[i] == c ? 1 : 0;
      }
      Dataset binary = new Dataset(data.source(), data.featureNames(), "is" + c, data.x(), y,
          null);
      FitResult alone = Descent.logistic().l2(l2).backend("reference").train(binary,
          TrainingListener.NONE);
      double[] expected = alone.model().theta();
      double scale = 0;
      for (double v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertTrue(ovr.fit().models().get(c).converged(), ovr.fit().models().get(c).message());
      assertArrayEquals(expected, ovr.model(c).theta(), 1e-6 * scale, "class " + c);
      most = Math.max(most, ovr.fit().models().get(c).evaluations());
    }
    assertEquals(most, ovr.fit().passes());
    int[] predicted = ovr.classify(data);
    int right = 0;
    for (int i = 0; i < predicted.length; i++) {
      right += predicted[i] == data.y()[i] ? 1 : 0;
    }
    assertTrue(right >= accuracy * data.rows(), right + " of " + data.rows());
  }

  @Test
  void irisThreeModelsInTheSamePasses() throws IOException {
    assertEachModelIsTheTrainers(read("iris.csv", "species"), 0.01, 0.9);
  }

  @Test
  void wineThreeModelsInTheSamePasses() throws IOException {
    Dataset wine = read("wine.csv", header("wine.csv"));
    assertEachModelIsTheTrainers(wine, 0.01, 0.97);
  }

  @Test
  void oneClassOrABadClassAreRefused() throws IOException {
    Dataset iris = read("iris.csv", "species");
    double[] y = iris.y().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = 0;
    }
    Dataset one = new Dataset("one", iris.featureNames(), "t", iris.x(), y, null);
    assertThrows(IllegalArgumentException.class, () -> OneVsRest.fit(one, 0.01, "reference",
        null, CrossValidation.Options.defaultSettings(), l -> { }));
    y = iris.y().clone();
    y[0] = 2.5;
    Dataset bad = new Dataset("bad", iris.featureNames(), "t", iris.x(), y, null);
    assertThrows(IllegalArgumentException.class, () -> OneVsRest.fit(bad, 0.01, "reference",
        null, CrossValidation.Options.defaultSettings(), l -> { }));
  }

  private static String header(String file) throws IOException {
    String first = java.nio.file.Files.readAllLines(ReferenceProblems.datasets().resolve(file))
        .get(0);
    String[] names = first.split(",");
    return names[names.length - 1];
  }
}
