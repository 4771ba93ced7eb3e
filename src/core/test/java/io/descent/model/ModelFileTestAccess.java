package io.descent.model;

import com.fasterxml.jackson.databind.JsonNode;

/** The model file's checksum for tests outside this package that edit a file and reseal it. */
public final class ModelFileTestAccess {
  private ModelFileTestAccess() {}

  /** The checksum of a model file's tree, its own checksum field left out. */
  public static String checksum(JsonNode root) {
    return ModelChecksum.of(root, ModelFile.CHECKSUM);
  }
}
