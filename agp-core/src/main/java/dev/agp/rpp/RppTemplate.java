package dev.agp.rpp;

import java.util.HashSet;
import java.util.Set;

/**
 * The built-in prompt templates of RPP. Each is a file under {@code dev/agp/rpp/} in agp-core's
 * resources and can be replaced through {@link RppOptimizer.Builder#template}; a replacement
 * must use the required placeholders and may use the optional ones.
 */
public enum RppTemplate {
  /**
   * The ranking prompt: the chosen sentences around the history block and the fixed candidate
   * block ({@code [A] title} lines).
   */
  RANK(
      "rank.txt",
      Set.of("history", "candidates", "reasoning", "format"),
      Set.of("role", "historyIntro", "count", "domain", "example")),
  /** RPP+: rewrite the chosen sentences for one user. */
  REFINE("refine.txt", Set.of("history", "sentences"), Set.of("domain", "maxChars", "example"));

  private final String resource;
  private final Set<String> required;
  private final Set<String> allowed;

  RppTemplate(String resource, Set<String> required, Set<String> optional) {
    this.resource = resource;
    this.required = required;
    Set<String> all = new HashSet<>(required);
    all.addAll(optional);
    this.allowed = Set.copyOf(all);
  }

  /** {@return the file name under {@code dev/agp/rpp/}} */
  public String resource() {
    return resource;
  }

  /** {@return placeholders a replacement must contain} */
  public Set<String> required() {
    return required;
  }

  /** {@return placeholders a replacement may contain} */
  public Set<String> allowed() {
    return allowed;
  }

  /** {@return the built-in text of this template} */
  public String builtIn() {
    return RppResources.read(resource);
  }
}
