package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader;
import io.descent.data.CsvReader.Options;
import io.descent.data.DataFormatException;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * A model meets data whose columns may not be its features: reading the data by the model's
 * feature names ({@link Options#withFeatures}) gives the model's columns in the model's order, or
 * a {@link DataFormatException} naming the first feature the file lacks; and {@link
 * LinearModel#checkCompatible} refuses a dataset whose features differ, naming the dataset.
 */
class ModelDataMatchTest {
  private static final List<String> POOL = List.of("a", "b", "c", "d", "e", "x y", "caf\u00e9",
      "\u540d", "F");

  private static LinearModel model(List<String> features) {
    double[] theta = new double[features.size() + 1];
    for (int j = 0; j < theta.length; j++) {
      theta[j] = j + 0.5;
    }
    return LinearModel.of(Loss.LINEAR, features, "y", null,
        Standardization.identity(features.size()), theta);
  }

  @Example
  void aMissingColumnIsNamed() throws IOException {
    LinearModel m = model(List.of("a", "b", "c"));
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> new CsvReader(Options.numericTarget("y").withFeatures(m.featureNames()))
            .read(new StringReader("a,c,y\n1,2,3\n"), "new.csv"));
    assertEquals("new.csv:1:0: no column \"b\" for a feature; the columns are \"a\", \"c\", \"y\"",
        e.getMessage());
    Dataset all = new CsvReader(Options.numericTarget("y"))
        .read(new StringReader("a,c,y\n1,2,3\n"), "new.csv");
    IllegalArgumentException i = assertThrows(IllegalArgumentException.class,
        () -> m.checkCompatible(all));
    assertEquals("new.csv has 2 features but the model expects 3: [a, b, c]", i.getMessage());
    assertThrows(IllegalArgumentException.class, () -> m.predict(all));
  }

  /**
   * A model's features and a file's columns.
   *
   * @param model the model's features, in its order
   * @param file the file's columns other than y, in file order
   * @param y where the target column goes among them
   */
  record Case(List<String> model, List<String> file, int y) {
    String csv() {
      List<String> header = new ArrayList<>(file);
      header.add(y, "y");
      StringBuilder sb = new StringBuilder("\"" + String.join("\",\"", header) + "\"\n");
      for (int i = 0; i < 3; i++) {
        List<String> row = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
          row.add(String.valueOf(10 * i + c));
        }
        sb.append(String.join(",", row)).append('\n');
      }
      return sb.toString();
    }

    /** The value in row {@code i} of the column named {@code name}. */
    float value(int i, String name) {
      List<String> header = new ArrayList<>(file);
      header.add(y, "y");
      return 10 * i + header.indexOf(name);
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<List<String>> names = Arbitraries.of(POOL).list().uniqueElements().ofMaxSize(6);
    // Half the files hold every model feature (among others, in another order).
    return Combinators.combine(names.filter(l -> !l.isEmpty()), names,
        Arbitraries.integers().between(0, 6), Arbitraries.of(false, true), Arbitraries.longs())
        .as((m, f, y, superset, seed) -> {
          List<String> file = new ArrayList<>(f);
          if (superset) {
            m.stream().filter(n -> !file.contains(n)).forEach(file::add);
            Collections.shuffle(file, new Random(seed));
          }
          return new Case(m, file, Math.min(y, file.size()));
        });
  }

  /** Read by the model's names: its columns in its order, or the first one missing named. */
  @Property(tries = 1000)
  void readingByTheModelsNamesGivesItsColumnsOrNamesTheFirstMissing(@ForAll("cases") Case c)
      throws IOException {
    LinearModel m = model(c.model());
    Options options = Options.numericTarget("y").withFeatures(m.featureNames());
    String missing = c.model().stream().filter(f -> !c.file().contains(f)).findFirst()
        .orElse(null);
    if (missing != null) {
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> new CsvReader(options).read(new StringReader(c.csv()), "d.csv"));
      assertEquals(1, e.line());
      assertEquals(0, e.column());
      assertTrue(e.getMessage().startsWith("d.csv:1:0: no column \"" + missing
          + "\" for a feature; the columns are "), e.getMessage());
      Statistics.label("outcome").collect("a column missing");
      return;
    }
    Dataset d = new CsvReader(options).read(new StringReader(c.csv()), "d.csv");
    assertEquals(c.model(), d.featureNames());
    m.checkCompatible(d);
    for (int i = 0; i < d.rows(); i++) {
      for (int j = 0; j < d.features(); j++) {
        assertEquals(c.value(i, c.model().get(j)), d.get(i, j));
      }
    }
    double[] expected = new double[d.rows()];
    for (int i = 0; i < d.rows(); i++) {
      float[] row = new float[d.features()];
      for (int j = 0; j < row.length; j++) {
        row[j] = c.value(i, c.model().get(j));
      }
      expected[i] = m.margin(row);
    }
    assertArrayEquals(expected, m.predict(d), 0);
    Statistics.label("outcome").collect("read");
  }

  /** Read with every column: usable by the model only when the names match exactly, in order. */
  @Property(tries = 1000)
  void aDatasetWithOtherFeaturesIsRefusedByName(@ForAll("cases") Case c) throws IOException {
    LinearModel m = model(c.model());
    Dataset d = new CsvReader(Options.numericTarget("y")).read(new StringReader(c.csv()),
        "d.csv");
    if (d.featureNames().equals(c.model())) {
      m.checkCompatible(d);
      assertEquals(d.rows(), m.predict(d).length);
      Statistics.label("outcome").collect("same features");
    } else {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.checkCompatible(d));
      assertTrue(e.getMessage().startsWith("d.csv"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> m.predict(d));
      Statistics.label("outcome").collect("refused");
    }
  }
}
