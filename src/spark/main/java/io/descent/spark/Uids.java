package io.descent.spark;

/**
 * Hands a stage's uid to its Scala superclass's constructor. Spark ML's parameters record their
 * owner's uid when they are created, and the superclasses create theirs before a Java subclass
 * can set a field; so each constructor stashes the uid here in its {@code this(...)} call and
 * {@code uid()} reads it until the field is set.
 */
final class Uids {
  private Uids() {}

  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

  /** Stashes the uid for the constructor about to run; returns it. */
  static String stash(String uid) {
    if (uid == null || uid.isEmpty()) {
      throw new IllegalArgumentException("a uid must not be empty");
    }
    PENDING.set(uid);
    return uid;
  }

  /** The uid being constructed on this thread. */
  static String pending() {
    return PENDING.get();
  }

  /** Forgets the stashed uid (the constructor has set its field). */
  static void clear() {
    PENDING.remove();
  }
}
