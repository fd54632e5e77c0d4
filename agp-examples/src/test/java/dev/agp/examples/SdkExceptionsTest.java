package dev.agp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.AgpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every exception type of the SDK's modules on this class path (agp-core, agp-llm-langchain4j,
 * agp-eval, agp-test and the CLI) is an {@link AgpException}, found by scanning their classes, so
 * a new exception class cannot forget the root. The only others allowed are types no caller can
 * name: package-private checked exceptions a reader converts before they leave (a malformed line),
 * and package-private subclasses of a library's exception that the library must recognise.
 */
class SdkExceptionsTest {

  @Test
  void everyExceptionType_ofEveryModule_isAnAgpException() throws Exception {
    List<Class<?>> exceptions = sdkExceptionTypes();

    assertThat(exceptions).extracting(Class::getName).as("the scan reaches every module that defines exceptions")
        .contains("dev.agp.AgpFitException", "dev.agp.rpp.RppFitException", "dev.agp.CheckpointException",
            "dev.agp.llm.LlmBudgetExceededException", "dev.agp.eval.data.DatasetFormatException",
            "dev.agp.eval.NotEnoughUsersException", "dev.agp.langchain4j.BatchApiException",
            "dev.agp.examples.UsageException");
    List<String> outside = new ArrayList<>();
    for (Class<?> c : exceptions) {
      if (AgpException.class.isAssignableFrom(c) || excused(c)) {
        continue;
      }
      outside.add(c.getName() + " extends " + c.getSuperclass().getName());
    }
    assertThat(outside).as("exception types that are not AgpExceptions").isEmpty();
  }

  @Test
  void fitExceptions_ofBothAlgorithms_shareOneFitException() {
    assertThat(dev.agp.FitException.class).isAssignableFrom(dev.agp.AgpFitException.class)
        .isAssignableFrom(dev.agp.rpp.RppFitException.class);
    assertThat(AgpException.class).isAssignableFrom(dev.agp.FitException.class);
  }

  /** Types no caller can name: package-private, and checked or bound to a library's exception type. */
  private static boolean excused(Class<?> c) {
    if (Modifier.isPublic(c.getModifiers()) || Modifier.isProtected(c.getModifiers())) {
      return false;
    }
    if (!RuntimeException.class.isAssignableFrom(c) && !Error.class.isAssignableFrom(c)) {
      return true; // checked: the compiler makes its reader handle it before it leaves the package
    }
    for (Class<?> s = c.getSuperclass(); s != null; s = s.getSuperclass()) {
      String n = s.getName();
      if (!n.startsWith("java.") && !n.startsWith("dev.agp.")) {
        return true; // a library's exception type, which that library must see
      }
    }
    return false;
  }

  /** Throwable types in the main classes (not the tests) of every dev.agp class-path root. */
  private static List<Class<?>> sdkExceptionTypes() throws IOException, URISyntaxException {
    ClassLoader loader = SdkExceptionsTest.class.getClassLoader();
    TreeSet<String> names = new TreeSet<>();
    for (URL root : Collections.list(loader.getResources("dev/agp/"))) {
      String where = root.toString();
      if (where.contains("test-classes") || where.contains("-tests.jar")) {
        continue;
      }
      if (root.getProtocol().equals("file")) {
        Path dir = Path.of(root.toURI());
        try (Stream<Path> files = Files.walk(dir)) {
          files.filter(p -> p.toString().endsWith(".class"))
              .forEach(p -> names.add("dev/agp/" + dir.relativize(p).toString().replace('\\', '/')));
        }
      } else if (root.getProtocol().equals("jar")) {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          jar.stream().map(e -> e.getName())
              .filter(n -> n.startsWith("dev/agp/") && n.endsWith(".class"))
              .forEach(names::add);
        }
      }
    }
    List<Class<?>> out = new ArrayList<>();
    for (String file : names) {
      if (file.endsWith("module-info.class") || file.endsWith("package-info.class")) {
        continue;
      }
      String name = file.substring(0, file.length() - ".class".length()).replace('/', '.');
      try {
        Class<?> c = Class.forName(name, false, loader);
        if (Throwable.class.isAssignableFrom(c)) {
          out.add(c);
        }
      } catch (ClassNotFoundException e) {
        throw new UncheckedIOException(new IOException("listed but not loadable: " + name, e));
      }
    }
    return out;
  }
}
