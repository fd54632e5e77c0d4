package dev.agp.spring.app;

import dev.agp.CaseReranker;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A recommendation service as a user would write one: the starter supplies the reranker. */
@SpringBootApplication
public class ServingApplication {

  /** One request: the user's history and the base recommender's candidates. */
  public record RerankRequest(String userId, List<ItemDto> history, List<ItemDto> candidates) {}

  /** An item as the service receives it. */
  public record ItemDto(String id, String title) {
    Item toItem() {
      return Item.of(id, title);
    }
  }

  /** The reranked ids, and whether the base order came back instead. */
  public record RerankResponse(List<String> itemIds, boolean fallback) {}

  /** The endpoint. */
  @RestController
  public static class RerankController {
    private final CaseReranker reranker;

    public RerankController(CaseReranker reranker) {
      this.reranker = reranker;
    }

    @PostMapping("/rerank")
    public RerankResponse rerank(@RequestBody RerankRequest request) {
      Ranking r = reranker.rerank(UserCase.forServing(
          request.userId(),
          request.history().stream().map(ItemDto::toItem).toList(),
          request.candidates().stream().map(ItemDto::toItem).toList()));
      return new RerankResponse(r.itemIds(), r.fallback());
    }
  }
}
