package io.descent.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * How a fitted model is saved: MLlib's metadata (class, uid, params) with {@code
 * DefaultParamsWriter}, and the coefficients as one Parquet row under {@code path/data}
 * (numClasses, numFeatures, the rows of coefficients, intercepts, raw-space coefficients
 * row-major). The training summary is not saved, as MLlib does not save its summaries.
 */
final class ModelData {
  private ModelData() {}

  private static final StructType SCHEMA = new StructType()
      .add("numClasses", DataTypes.IntegerType)
      .add("numFeatures", DataTypes.IntegerType)
      .add("rows", DataTypes.IntegerType)
      .add("intercepts", DataTypes.createArrayType(DataTypes.DoubleType, false))
      .add("coefficients", DataTypes.createArrayType(DataTypes.DoubleType, false));

  static void save(Params instance, FittedCoefficients f, String path, SparkSession spark) {
    DefaultParamsWriter.saveMetadata(instance, path, spark);
    Row row = RowFactory.create(f.numClasses(), f.coefficients().length / f.classes(),
        f.classes(), boxed(f.intercepts()), boxed(f.coefficients()));
    spark.createDataFrame(List.of(row), SCHEMA).repartition(1).write().parquet(path + "/data");
  }

  /** Loads the coefficients and sets the saved params on the model {@code make} builds. */
  static <T extends Params> T load(String path, SparkSession spark, String className,
      java.util.function.BiFunction<String, FittedCoefficients, T> make) {
    DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, spark,
        className);
    Row r = spark.read().parquet(path + "/data").first();
    FittedCoefficients f = new FittedCoefficients(unboxed(r.getList(4)), unboxed(r.getList(3)),
        r.getInt(2), r.getInt(0), null);
    T model = make.apply(metadata.uid(), f);
    metadata.getAndSetParams(model, Option.empty());
    return model;
  }

  private static List<Double> boxed(double[] a) {
    List<Double> out = new ArrayList<>(a.length);
    for (double v : a) {
      out.add(v);
    }
    return out;
  }

  private static double[] unboxed(List<Object> list) {
    double[] a = new double[list.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ((Number) list.get(i)).doubleValue();
    }
    return a;
  }
}
