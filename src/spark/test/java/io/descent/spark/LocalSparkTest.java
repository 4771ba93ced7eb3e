package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Spark runs in this module's test JVM: a local[2] session sums a column. */
class LocalSparkTest {
  @Test
  void aLocalSessionRuns() {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("descent-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      Dataset<Row> rows = spark.range(1, 101).toDF("x");
      List<Row> sum = rows.groupBy().sum("x").collectAsList();
      assertEquals(5050L, sum.get(0).getLong(0));
    } finally {
      spark.stop();
    }
  }
}
