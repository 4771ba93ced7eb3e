package io.descent.spark.examples

import org.apache.spark.ml.classification.LogisticRegression
import org.apache.spark.sql.SparkSession

object ScalaExample {
  def main(args: Array[String]): Unit = {
    val spark = SparkSession.builder().master("local[2]").appName("descent-scala").getOrCreate()
    println(spark.range(10).count())
    println(new LogisticRegression().getRegParam)
    spark.stop()
  }
}
