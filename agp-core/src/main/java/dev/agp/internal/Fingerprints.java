package dev.agp.internal;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.agp.Item;
import dev.agp.UserCase;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Content hashes that identify users and texts in checkpoints. */
public final class Fingerprints {

  private Fingerprints() {}

  public static String sha256(String text) {
    return Hashing.sha256().hashString(text, StandardCharsets.UTF_8).toString();
  }

  /** A hash of the users' ids, histories, candidates and ground truth, in order. */
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
}
