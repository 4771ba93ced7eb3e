package io.descent.spark;

import java.util.Arrays;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;

/**
 * MLlib's {@code BinaryClassificationEvaluator} (areaUnderROC, areaUnderPR; {@code numBins},
 * {@code weightCol}) for every fold's models at once: the score of a row is its raw prediction's
 * element 1, as the evaluator reads it.
 */
final class BinaryScoring extends FoldScoring {
  private static final long serialVersionUID = 1L;

  private final int numBins;
  private final boolean pr;

  BinaryScoring(String labelCol, String weightCol, int numBins, String metricName) {
    super(labelCol, weightCol);
    this.numBins = numBins;
    this.pr = metricName.equals("areaUnderPR");
  }

  @Override
  Gatherer gatherer(int models) {
    return new Gatherer() {
      private int n;
      private boolean[] positive = new boolean[1024];
      private double[] weights = new double[1024];
      private boolean weighted;
      private final double[][] scores = new double[models][1024];

      @Override
      public void row(double label, double weight) {
        if (n == positive.length) {
          positive = Arrays.copyOf(positive, 2 * n);
          weights = Arrays.copyOf(weights, 2 * n);
          for (int i = 0; i < models; i++) {
            scores[i] = Arrays.copyOf(scores[i], 2 * n);
          }
        }
        positive[n] = label > 0.5;
        weights[n] = weight;
        weighted |= weight != 1;
        n++;
      }

      @Override
      public void add(int i, Model<?> model, Vector x, double label, double weight) {
        scores[i][n - 1] = ((DescentLogisticRegressionModel) model).predictRaw(x).apply(1);
      }

      @Override
      public Object part(int i) {
        return ScoreCounts.of(scores[i], positive, weighted ? weights : null, n);
      }
    };
  }

  @Override
  Object empty() {
    return ScoreCounts.empty();
  }

  @Override
  Object merge(Object a, Object b) {
    return ScoreCounts.merge((ScoreCounts) a, (ScoreCounts) b);
  }

  @Override
  double metric(Object part) {
    return ((ScoreCounts) part).area(numBins, pr);
  }
}
