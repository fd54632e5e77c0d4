package dev.agp.prompt;

import static java.util.Objects.requireNonNull;

import dev.agp.TemplateName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The set of prompt templates in use: the built-in files, with any replacements. Immutable.
 */
public final class PromptTemplates {

  private static final PromptTemplates DEFAULTS = new PromptTemplates(new EnumMap<>(TemplateName.class));

  private final Map<TemplateName, String> overrides;

  private PromptTemplates(Map<TemplateName, String> overrides) {
    this.overrides = overrides;
  }

  /** {@return the built-in templates} */
  public static PromptTemplates defaults() {
    return DEFAULTS;
  }

  /**
   * These templates with {@code name} replaced by {@code text}.
   *
   * @param name the template to replace
   * @param text the replacement's text
   * @return the new templates
   * @throws IllegalArgumentException if the text lacks a required placeholder or uses an unknown
   *     one
   */
  public PromptTemplates with(TemplateName name, String text) {
    requireNonNull(name, "name");
    requireNonNull(text, "text");
    PromptTemplate.parse(name.name(), text).requirePlaceholders(name.required(), name.allowed());
    EnumMap<TemplateName, String> copy = new EnumMap<>(TemplateName.class);
    copy.putAll(overrides);
    copy.put(name, text);
    return new PromptTemplates(copy);
  }

  /** {@return the replaced templates' texts} */
  public Map<TemplateName, String> overrides() {
    return Collections.unmodifiableMap(overrides);
  }

  /**
   * The text of {@code name}: the replacement, or the built-in file.
   *
   * @param name the template asked for
   * @return its text
   */
  public String text(TemplateName name) {
    String o = overrides.get(name);
    return o != null ? o : builtIn(name);
  }

  /**
   * The parsed template {@code name}.
   *
   * @param name the template asked for
   * @return the parsed template
   */
  public PromptTemplate get(TemplateName name) {
    return PromptTemplate.parse(name.name(), text(name));
  }

  /**
   * The built-in text of {@code name}, read from agp-core's resources.
   *
   * @param name the template asked for
   * @return its built-in text
   */
  public static String builtIn(TemplateName name) {
    return resource("/dev/agp/prompts/" + name.resource());
  }

  static String resource(String path) {
    try (InputStream in = PromptTemplates.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path + " in agp-core");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + path, e);
    }
  }
}
