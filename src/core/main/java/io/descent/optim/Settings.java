package io.descent.optim;

import java.util.Map;
import java.util.stream.Collectors;

/** How an optimizer's settings read as text: {@code Lbfgs[memory=10, c1=1.0E-4, ...]}. */
final class Settings {
  private Settings() {}

  /** {@code type[k=v, ...]} over every setting but the name. */
  static String describe(String type, Map<String, Object> settings) {
    return type + settings.entrySet().stream().filter(e -> !e.getKey().equals("name"))
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", "[", "]"));
  }
}
