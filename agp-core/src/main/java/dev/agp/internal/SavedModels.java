package dev.agp.internal;

import org.jspecify.annotations.Nullable;

/** The checks every saved model document passes before its own fields are read (AGP and RPP). */
public final class SavedModels {

  private SavedModels() {}

  /** What every saved model document starts with. */
  public interface Document {

    /**
     * The document's format name.
     *
     * @return such as {@code agp-model}, null in a document that lacks it
     */
    @Nullable String format();

    /**
     * The document's format version.
     *
     * @return the version, 0 in a document that lacks it
     */
    int version();
  }

  /**
   * {@code doc}, once it is known to be a model of {@code format} in a version this release reads.
   *
   * @param <D> the model's document type
   * @param doc the document read, null when the source held JSON null
   * @param source the file or stream, for messages
   * @param algorithm the algorithm's name in messages ({@code "AGP"})
   * @param format the format name the model writes
   * @param oldest the oldest version this release reads
   * @param newest the version this release writes
   * @param older what to tell the user of a document older than {@code oldest}, or "" for nothing
   * @return {@code doc}
   * @throws IllegalArgumentException naming the source if the document is null, of another format,
   *     or of a version outside {@code [oldest, newest]}
   */
  public static <D extends Document> D require(
      @Nullable D doc, String source, String algorithm, String format, int oldest, int newest, String older) {
    if (doc == null) {
      throw new IllegalArgumentException(source + " is not a saved " + algorithm + " model (it holds JSON null)");
    }
    if (!format.equals(doc.format())) {
      throw new IllegalArgumentException(source + " is not a saved " + algorithm + " model (format " + doc.format() + ")");
    }
    if (doc.version() < oldest || doc.version() > newest) {
      throw new IllegalArgumentException(
          source + " has model version " + doc.version() + "; this release reads "
              + (oldest == newest ? "version " + newest : "versions " + oldest + " to " + newest)
              + (doc.version() < oldest && !older.isEmpty() ? " (" + older + ")" : ""));
    }
    return doc;
  }
}
