package dev.agp.langchain4j;

import dev.langchain4j.http.client.HttpClientBuilder;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The timeouts LangChain4j sets on an HTTP client builder, kept for the client it builds. */
abstract class TimeoutsBuilder implements HttpClientBuilder {

  @Nullable Duration connectTimeout;
  @Nullable Duration readTimeout;

  @Override
  public @Nullable Duration connectTimeout() {
    return connectTimeout;
  }

  @Override
  public HttpClientBuilder connectTimeout(@Nullable Duration timeout) {
    this.connectTimeout = timeout;
    return this;
  }

  @Override
  public @Nullable Duration readTimeout() {
    return readTimeout;
  }

  @Override
  public HttpClientBuilder readTimeout(@Nullable Duration timeout) {
    this.readTimeout = timeout;
    return this;
  }
}
