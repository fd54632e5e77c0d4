package dev.agp.prompt;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.LlmMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chat prompt with {@code {{placeholders}}}, read from a template file.
 *
 * <p>The file holds sections opened by a line {@code ### system}, {@code ### user} or {@code ###
 * assistant}; text before the first section belongs to a user message. Rendering is one pass:
 * placeholder-like text inside a value is left as it is, so untrusted values cannot inject
 * placeholders. Every placeholder must receive a value and every value must have a placeholder.
 */
public final class PromptTemplate {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z][a-zA-Z0-9_]*)\\s*}}");
  private static final Pattern SECTION = Pattern.compile("(?m)^###\\s*(system|user|assistant)\\s*$");

  private final String name;
  private final List<LlmMessage> sections;
  private final Set<String> placeholders;

  private PromptTemplate(String name, List<LlmMessage> sections, Set<String> placeholders) {
    this.name = name;
    this.sections = sections;
    this.placeholders = placeholders;
  }

  /**
   * Parses a template.
   *
   * @param name what the template is called in error messages
   * @param text the template
   * @return the template
   * @throws IllegalArgumentException if the template has no text
   */
  public static PromptTemplate parse(String name, String text) {
    requireNonNull(name, "name");
    requireNonNull(text, "text");
    String normalised = text.replace("\r\n", "\n").replace('\r', '\n');
    List<LlmMessage> sections = new ArrayList<>();
    Matcher m = SECTION.matcher(normalised);
    int lastEnd = 0;
    LlmMessage.Role role = LlmMessage.Role.USER;
    while (m.find()) {
      addSection(sections, role, normalised.substring(lastEnd, m.start()));
      role = LlmMessage.Role.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
      lastEnd = m.end();
    }
    addSection(sections, role, normalised.substring(lastEnd));
    if (sections.isEmpty()) {
      throw new IllegalArgumentException("template " + name + " has no text");
    }
    Set<String> found = new LinkedHashSet<>();
    for (LlmMessage s : sections) {
      Matcher p = PLACEHOLDER.matcher(s.text());
      while (p.find()) {
        found.add(p.group(1));
      }
    }
    return new PromptTemplate(name, List.copyOf(sections), Collections.unmodifiableSet(found));
  }

  private static void addSection(List<LlmMessage> out, LlmMessage.Role role, String raw) {
    String body = raw.strip();
    if (!body.isEmpty()) {
      out.add(new LlmMessage(role, body));
    }
  }

  /** {@return the template's name} */
  public String name() {
    return name;
  }

  /** {@return the placeholder names, in order of first appearance} */
  public Set<String> placeholders() {
    return placeholders;
  }

  /**
   * Fills the placeholders.
   *
   * @param values a value per placeholder
   * @return the messages: the system part, then the user part
   * @throws IllegalArgumentException if a placeholder has no value or a value has no placeholder
   */
  public List<LlmMessage> render(Map<String, String> values) {
    requireNonNull(values, "values");
    for (String p : placeholders) {
      if (!values.containsKey(p)) {
        throw new IllegalArgumentException("template " + name + ": no value for {{" + p + "}}");
      }
    }
    for (String k : values.keySet()) {
      if (!placeholders.contains(k)) {
        throw new IllegalArgumentException("template " + name + " has no placeholder {{" + k + "}}");
      }
    }
    List<LlmMessage> out = new ArrayList<>(sections.size());
    for (LlmMessage s : sections) {
      Matcher m = PLACEHOLDER.matcher(s.text());
      StringBuilder sb = new StringBuilder(s.text().length() + 256);
      while (m.find()) {
        m.appendReplacement(sb, Matcher.quoteReplacement(requireNonNull(values.get(m.group(1)))));
      }
      m.appendTail(sb);
      out.add(new LlmMessage(s.role(), sb.toString()));
    }
    return List.copyOf(out);
  }

  /**
   * Checks that this template uses every required placeholder and no other.
   *
   * @param required the placeholders that must appear
   * @param allowed the placeholders that may appear
   * @throws IllegalArgumentException naming what is missing or unknown
   */
  public void requirePlaceholders(Set<String> required, Set<String> allowed) {
    for (String r : required) {
      if (!placeholders.contains(r)) {
        throw new IllegalArgumentException("template " + name + " must contain {{" + r + "}}");
      }
    }
    for (String p : placeholders) {
      if (!allowed.contains(p)) {
        throw new IllegalArgumentException(
            "template " + name + ": unknown placeholder {{" + p + "}}; allowed: " + allowed);
      }
    }
  }
}
