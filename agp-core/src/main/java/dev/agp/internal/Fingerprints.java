package dev.agp.internal;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.agp.Item;
import dev.agp.UserCase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Content hashes that identify users and texts in checkpoints. */
public final class Fingerprints {

  private Fingerprints() {}

  /**
   * The SHA-256 of {@code text}'s UTF-8 bytes.
   *
   * @param text the text hashed
   * @return the hash, in lower-case hex
   */
  public static String sha256(String text) {
    return Hashing.sha256().hashString(text, StandardCharsets.UTF_8).toString();
  }

  /**
   * A hash of the users' ids, histories, candidates and ground truth, in order.
   *
   * @param users the users hashed, in order
   * @return the hash, in lower-case hex
   */
  public static String users(List<UserCase> users) {
    Hasher h = Hashing.sha256().newHasher();
    for (UserCase u : users) {
      h.putString(u.userId(), StandardCharsets.UTF_8).putChar('\u0000');
      for (Item i : u.history()) {
        h.putString(i.id(), StandardCharsets.UTF_8).putChar('\u0001')
            .putString(i.title(), StandardCharsets.UTF_8).putChar('\u0002');
      }
      h.putChar('\u0003');
      for (Item i : u.candidates()) {
        h.putString(i.id(), StandardCharsets.UTF_8).putChar('\u0001')
            .putString(i.title(), StandardCharsets.UTF_8).putChar('\u0002');
      }
      h.putChar('\u0003');
      for (String r : u.relevantItemIds()) {
        h.putString(r, StandardCharsets.UTF_8).putChar('\u0002');
      }
      h.putChar('\u0004');
    }
    return h.hash().toString();
  }

  /**
   * A hash of items as a prompt may show them: ids, titles and attributes (sorted by key), in
   * order.
   *
   * @param items the items hashed, in order
   * @return the hash, in lower-case hex
   */
  public static String items(List<Item> items) {
    Hasher h = Hashing.sha256().newHasher();
    h.putInt(items.size());
    for (Item i : items) {
      putField(h, i.id());
      putField(h, i.title());
      Map<String, String> attributes = new TreeMap<>(i.attributes());
      h.putInt(attributes.size());
      attributes.forEach((k, v) -> {
        putField(h, k);
        putField(h, v);
      });
    }
    return h.hash().toString();
  }

  /**
   * A hash of the parts in order, each length-prefixed so no two lists of parts collide.
   *
   * @param parts the parts hashed, in order
   * @return the hash, in lower-case hex
   */
  public static String parts(List<String> parts) {
    Hasher h = Hashing.sha256().newHasher();
    h.putInt(parts.size());
    parts.forEach(p -> putField(h, p));
    return h.hash().toString();
  }

  private static void putField(Hasher h, String s) {
    h.putInt(s.length()).putString(s, StandardCharsets.UTF_8);
  }
}
