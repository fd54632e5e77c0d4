package dev.agp.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * The MovieLens ml-latest-small sample shipped in this jar (GroupLens; research use only; its
 * README.txt travels with it), readable as a {@link Path} whether the classes run from a folder or
 * from {@code agp.jar}.
 */
public final class SampleData {

  static final String FOLDER = "/dev/agp/examples/data/ml-latest-small";

  private SampleData() {}

  /** The folder holding ratings.csv, movies.csv, README.txt and SOURCE.md. */
  public static Path movieLens() {
    URL url = SampleData.class.getResource(FOLDER + "/ratings.csv");
    if (url == null) {
      throw new IllegalStateException("the MovieLens sample is missing from the agp-examples jar");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        return fs.getPath(FOLDER);
      }
      return Path.of(uri).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the MovieLens sample: " + url, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the MovieLens sample inside " + url, e);
    }
  }
}
