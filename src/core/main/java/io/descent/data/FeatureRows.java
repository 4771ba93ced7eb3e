package io.descent.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The features of a {@link Dataset}, row-major float32: a heap array, or a direct buffer off the
 * Java heap, which an OpenCL device on the host's own memory (a CPU driver such as PoCL) reads in
 * place instead of copying, and which is copied to a heap array only when a caller asks for one
 * ({@link #array()}). Shared by the datasets derived from one another (other names, weights or
 * target coding), so that such a copy is made at most once.
 */
final class FeatureRows {
  /** The alignment of off-heap features: a page, as a device using host memory in place wants. */
  private static final int PAGE = 4096;

  /**
   * The most bytes of features kept off the heap: one direct buffer's limit (its capacity is an
   * int) less two pages, for its alignment.
   */
  static final long MAX_OFF_HEAP_BYTES = Integer.MAX_VALUE - 2 * PAGE;

  private final FloatBuffer offHeap;
  private volatile float[] array;

  private FeatureRows(float[] array, FloatBuffer offHeap) {
    this.array = array;
    this.offHeap = offHeap;
  }

  /** Over a heap array, not copied. */
  static FeatureRows onHeap(float[] x) {
    return new FeatureRows(java.util.Objects.requireNonNull(x, "x"), null);
  }

  /**
   * A zeroed direct buffer of {@code values} floats, page-aligned, in native order; null when
   * there is no room for it (the direct memory limit, {@code -XX:MaxDirectMemorySize}, which is
   * the heap's maximum by default) or it would pass {@link #MAX_OFF_HEAP_BYTES}: the caller then
   * keeps the features on the heap.
   */
  static FloatBuffer allocateOffHeap(long values) {
    if (!fitsOffHeap(values)) {
      return null;
    }
    long bytes = values * Float.BYTES;
    try {
      // alignedSlice rounds both ends to whole pages: room for the bytes rounded up, and a page.
      long pages = (bytes + PAGE - 1) / PAGE;
      ByteBuffer b = ByteBuffer.allocateDirect((int) ((pages + 1) * PAGE)).alignedSlice(PAGE);
      b.limit((int) bytes);
      return b.slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
    } catch (OutOfMemoryError e) {
      return null; // direct memory exhausted: the heap's own check decides
    }
  }

  /**
   * A buffer of {@code values} floats off the heap, or on it where direct memory is used up
   * ({@code -XX:MaxDirectMemorySize}, or what other libraries took of it): for a reader's
   * scratch rows, which work in either.
   */
  static FloatBuffer directOrHeap(int values) {
    try {
      return ByteBuffer.allocateDirect(Math.multiplyExact(values, Float.BYTES))
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
    } catch (OutOfMemoryError e) {
      return FloatBuffer.wrap(new float[values]);
    }
  }

  /**
   * Whether {@code values} features are few enough for one direct buffer ({@link
   * #MAX_OFF_HEAP_BYTES}): {@link #allocateOffHeap} then gives one unless direct memory runs out.
   */
  static boolean fitsOffHeap(long values) {
    return values >= 0 && values <= MAX_OFF_HEAP_BYTES / Float.BYTES;
  }

  /** Over a direct buffer of exactly the features, not copied. */
  static FeatureRows offHeap(FloatBuffer x) {
    if (!x.isDirect() || x.position() != 0 || x.limit() != x.capacity()) {
      throw new IllegalArgumentException("off-heap features must be a whole direct buffer");
    }
    return new FeatureRows(null, x);
  }

  /** The number of values. */
  long size() {
    return offHeap != null ? offHeap.capacity() : array.length;
  }

  boolean isOffHeap() {
    return offHeap != null;
  }

  /** The direct buffer (a duplicate: position 0), or null when the features are on the heap. */
  FloatBuffer buffer() {
    return offHeap == null ? null : offHeap.duplicate();
  }

  /** The features as a heap array: the array itself, or (off the heap) a copy made once. */
  float[] array() {
    float[] a = array;
    if (a == null) {
      synchronized (this) {
        a = array;
        if (a == null) {
          a = new float[offHeap.capacity()];
          offHeap.get(0, a);
          array = a;
        }
      }
    }
    return a;
  }

  /** Whether the features are off the heap and {@link #array()} has copied them onto it. */
  boolean copiedToHeap() {
    return offHeap != null && array != null;
  }

  /**
   * The standardization of every row, unweighted ({@link Standardization#fit}), where a cache
   * read it with its copy of these rows; null otherwise.
   */
  private volatile Standardization standardization;
  /** Told once of a standardization computed of these rows (a cache keeps it), or null. */
  private java.util.function.Consumer<Standardization> onComputed;

  /** The standardization of every row, unweighted, where a cache read it; null otherwise. */
  Standardization knownStandardization() {
    return standardization;
  }

  /** Sets the standardization of every row, unweighted, read with a cached copy of them. */
  void knownStandardization(Standardization s) {
    standardization = s;
  }

  /** Tells the listener of {@link #whenComputed}, once, of {@code s}, computed of these rows. */
  void computedStandardization(Standardization s) {
    java.util.function.Consumer<Standardization> listener;
    synchronized (this) {
      listener = onComputed;
      onComputed = null;
    }
    if (listener != null) {
      listener.accept(s);
    }
  }

  /** Has {@code listener} told of the first {@link #computedStandardization}. */
  synchronized void whenComputed(java.util.function.Consumer<Standardization> listener) {
    onComputed = listener;
  }

  /** Value {@code index}. */
  float get(int index) {
    return offHeap != null ? offHeap.get(index) : array[index];
  }

  /** Copies {@code length} values from {@code from} into {@code dst} at {@code offset}. */
  void copy(int from, float[] dst, int offset, int length) {
    if (offHeap != null) {
      offHeap.get(from, dst, offset, length);
    } else {
      System.arraycopy(array, from, dst, offset, length);
    }
  }
}
