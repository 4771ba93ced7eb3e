package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShuffleTest {
  private static void assertPermutation(int[] p, int n) {
    assertEquals(n, p.length);
    int[] sorted = p.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < n; i++) {
      assertEquals(i, sorted[i]);
    }
  }

  @Test
  void permutationIsAPermutationAndDependsOnlyOnTheSeed() {
    int[] a = Shuffle.permutation(1000, 42);
    assertPermutation(a, 1000);
    assertArrayEquals(a, Shuffle.permutation(1000, 42));
    assertFalse(Arrays.equals(a, Shuffle.permutation(1000, 43)));
  }

  @Test
  void permutationIsFisherYatesOnSplittableRandom() {
    // Written out by hand so that a change of algorithm, which would change every seeded run,
    // cannot go unnoticed.
    SplittableRandom r = new SplittableRandom(7);
    int[] expected = {0, 1, 2, 3, 4, 5};
    for (int i = 5; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = expected[i];
      expected[i] = expected[j];
      expected[j] = t;
    }
    assertArrayEquals(expected, Shuffle.permutation(6, 7));
  }

  @Test
  void smallSizes() {
    assertArrayEquals(new int[0], Shuffle.permutation(0, 1));
    assertArrayEquals(new int[] {0}, Shuffle.permutation(1, 1));
    assertThrows(IllegalArgumentException.class, () -> Shuffle.permutation(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Shuffle(-1, 1));
  }

  @Test
  void everyPositionIsEquallyLikely() {
    // Element 0 should land in each of 4 positions about 1/4 of the time.
    int[] counts = new int[4];
    for (long seed = 0; seed < 8000; seed++) {
      int[] p = Shuffle.permutation(4, seed);
      for (int k = 0; k < 4; k++) {
        if (p[k] == 0) {
          counts[k]++;
        }
      }
    }
    for (int c : counts) {
      assertTrue(Math.abs(c - 2000) < 200, Arrays.toString(counts));
    }
  }

  @Test
  void epochsAreNewArraysAndReproducible() {
    Shuffle a = new Shuffle(500, 9);
    Shuffle b = new Shuffle(500, 9);
    int[] first = a.nextEpoch();
    assertArrayEquals(Shuffle.permutation(500, 9), first);
    int[] firstCopy = first.clone();
    int[] second = a.nextEpoch();
    assertNotSame(first, second);
    assertArrayEquals(firstCopy, first, "the previous epoch's order is left as it was");
    assertPermutation(second, 500);
    assertFalse(Arrays.equals(first, second));
    assertArrayEquals(first, b.nextEpoch());
    assertArrayEquals(second, b.nextEpoch());
    assertEquals(2, a.epochs());
    assertEquals(500, a.rows());
    assertEquals(9, a.seed());
  }

  @Test
  void inPlaceShuffle() {
    int[] v = {10, 20, 30, 40, 50};
    Shuffle.shuffle(v, new SplittableRandom(3));
    int[] sorted = v.clone();
    Arrays.sort(sorted);
    assertArrayEquals(new int[] {10, 20, 30, 40, 50}, sorted);
  }
}
