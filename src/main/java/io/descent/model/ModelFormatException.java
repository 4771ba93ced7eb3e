package io.descent.model;

/**
 * A model file that cannot be used: not JSON, not a Descent model, a version this build does not
 * read, or a field missing or wrong. The message is one line that names the file and the field,
 * e.g. {@code model.json: field "coef" has 9 numbers but there are 10 features}.
 */
public class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message one line naming the file and the field */
  public ModelFormatException(String message) {
    super(message);
  }

  /**
   * @param message one line naming the file and the field
   * @param cause the parser's exception
   */
  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
