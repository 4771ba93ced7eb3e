package io.descent.spark.examples

import io.descent.spark.{DescentLogisticRegression, DescentLogisticRegressionModel}
import org.apache.spark.ml.{Pipeline, PipelineStage}
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator
import org.apache.spark.ml.feature.VectorAssembler
import org.apache.spark.sql.SparkSession

object ScalaExample {
  def main(args: Array[String]): Unit = {
    val spark = SparkSession.builder().master("local[2]").appName("descent-scala").getOrCreate()
    try {
      val data = spark.read.option("header", "true").option("inferSchema", "true")
        .csv("datasets/breast_cancer_wdbc.csv")
      val assembler = new VectorAssembler()
        .setInputCols(data.columns.filter(_ != "malignant"))
        .setOutputCol("features")
      val lr = new DescentLogisticRegression()
        .setLabelCol("malignant")
        .setRegParam(0.01)
      val pipeline = new Pipeline().setStages(Array[PipelineStage](assembler, lr))
      val model = pipeline.fit(data)

      val fitted = model.stages.last.asInstanceOf[DescentLogisticRegressionModel]
      val auc = new BinaryClassificationEvaluator().setLabelCol("malignant")
        .evaluate(model.transform(data))
      println(f"objective ${fitted.summary.objective}%.10f")
      println(f"auc $auc%.4f")
      println(s"ran on ${fitted.summary.backends.size()} partitions")
    } finally {
      spark.stop()
    }
  }
}
