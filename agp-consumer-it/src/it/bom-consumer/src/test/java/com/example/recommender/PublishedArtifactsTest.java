package com.example.recommender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What the build installed is what Central needs: the BOM lists exactly the published modules of
 * the build, has no parent, and each artifact it lists has a main, a sources and a javadoc jar.
 */
class PublishedArtifactsTest {

  private static final String VERSION = System.getProperty("agp.version");
  private static final Path REPOSITORY = Path.of(System.getProperty("agp.localRepository"));
  private static final Path REACTOR = Path.of(System.getProperty("agp.reactor")).normalize();

  private static Path artifact(String artifactId, String suffix) {
    return REPOSITORY.resolve("dev/agp").resolve(artifactId).resolve(VERSION)
        .resolve(artifactId + "-" + VERSION + suffix);
  }

  private static Document xml(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  private static List<String> texts(Element parent, String path) {
    List<String> out = new ArrayList<>();
    collect(parent, path.split("/"), 0, out);
    return out;
  }

  private static void collect(Element e, String[] steps, int i, List<String> out) {
    NodeList children = e.getChildNodes();
    for (int c = 0; c < children.getLength(); c++) {
      Node n = children.item(c);
      if (n instanceof Element child && child.getTagName().equals(steps[i])) {
        if (i == steps.length - 1) {
          out.add(child.getTextContent().strip());
        } else {
          collect(child, steps, i + 1, out);
        }
      }
    }
  }

  @Test
  void bom_listsExactlyThePublishedModulesAndHasNoParent() throws Exception {
    Element bom = xml(artifact("agp-bom", ".pom")).getDocumentElement();
    TreeSet<String> managed = new TreeSet<>(texts(bom, "dependencyManagement/dependencies/dependency/artifactId"));

    TreeSet<String> published = new TreeSet<>();
    Element root = xml(REACTOR.resolve("pom.xml")).getDocumentElement();
    for (String module : texts(root, "modules/module")) {
      Element pom = xml(REACTOR.resolve(module).resolve("pom.xml")).getDocumentElement();
      List<String> packaging = texts(pom, "packaging");
      boolean jar = packaging.isEmpty() || packaging.get(0).equals("jar");
      boolean skipped = texts(pom, "properties/maven.deploy.skip").contains("true");
      if (jar && !skipped) {
        published.add(texts(pom, "artifactId").get(0));
      }
    }

    assertThat(texts(bom, "parent/artifactId")).as("the installed BOM's parent").isEmpty();
    assertThat(managed).as("artifacts the BOM manages").isEqualTo(published);
    assertThat(texts(bom, "dependencyManagement/dependencies/dependency/version")).isNotEmpty()
        .allMatch(v -> v.equals(VERSION) || v.equals("${project.version}"));
    for (String element : List.of("name", "description", "url", "licenses/license/name", "developers/developer/name",
        "scm/url", "scm/connection")) {
      assertThat(texts(bom, element)).as("the BOM's " + element).isNotEmpty();
    }
  }

  @Test
  void everyManagedArtifact_hasMainSourcesAndJavadocJars() throws Exception {
    Element bom = xml(artifact("agp-bom", ".pom")).getDocumentElement();
    List<String> managed = texts(bom, "dependencyManagement/dependencies/dependency/artifactId");

    assertThat(managed).isNotEmpty();
    for (String artifactId : managed) {
      for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
        assertThat(entries(artifact(artifactId, suffix))).as(artifactId + suffix).isPositive();
      }
      Element pom = xml(artifact(artifactId, ".pom")).getDocumentElement();
      assertThat(texts(pom, "description")).as(artifactId + " description").isNotEmpty();
    }
  }

  private static int entries(Path jar) throws IOException {
    assertThat(jar).exists();
    try (JarFile f = new JarFile(jar.toFile())) {
      return f.size();
    }
  }
}
