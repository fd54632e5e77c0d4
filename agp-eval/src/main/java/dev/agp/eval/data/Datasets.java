package dev.agp.eval.data;

import static java.util.Objects.requireNonNull;

import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Loaders for the dataset files users already have on disk, in their published formats (see each
 * method). Every loader:
 *
 * <ul>
 *   <li>reads gzip or plain files alike (detected from the first bytes, not the name), any line
 *       ending, in constant memory per line;
 *   <li>unescapes HTML entities in titles, drops markup and trims whitespace;
 *   <li>leaves out items without a usable title together with their interactions, and
 *       interactions whose item is not in the metadata, counting each in {@link
 *       Dataset#report()};
 *   <li>skips malformed lines, counting and listing them with file and line number, up to {@link
 *       LoadOptions#maxMalformedRate()} of a file's records; above it the load fails with a
 *       {@link DatasetFormatException} naming the file and the first bad lines.
 * </ul>
 *
 * Interactions keep file order; {@link dev.agp.eval.LeaveOneOut} sorts them by time. Timestamps
 * without a zone (Yelp) are read as UTC.
 */
public final class Datasets {

  private Datasets() {}

  /**
   * MovieLens from its folder, whichever layout it has: {@code ratings.csv} + {@code movies.csv}
   * (ml-latest, ml-25m: UTF-8, header, quoted titles), {@code ratings.dat} + {@code movies.dat}
   * (ml-1m, ml-10m: {@code ::}-separated, ISO-8859-1) or {@code u.data} + {@code u.item} (ml-100k:
   * tab- and {@code |}-separated, ISO-8859-1). Any of them may be gzipped, with or without a
   * {@code .gz} suffix. Items carry {@code genres} ({@code "Adventure, Comedy"}) and {@code year}
   * (from the title) attributes when known.
   *
   * @param dir the MovieLens folder
   * @return the interactions and items with the load report
   * @throws NullPointerException if dir is null
   * @throws IllegalArgumentException if the folder holds none of the layouts
   * @throws UncheckedIOException if a file cannot be read
   * @throws DatasetFormatException if a file is not in its format
   */
  public static Dataset movieLens(Path dir) {
    return movieLens(dir, LoadOptions.defaults());
  }

  /**
   * {@link #movieLens(Path)} with options.
   *
   * @param dir the MovieLens folder
   * @param options the tolerance of malformed lines and the line cap
   * @return the interactions and items with the load report
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the folder holds none of the layouts
   * @throws UncheckedIOException if a file cannot be read
   * @throws DatasetFormatException if a file is not in its format
   */
  public static Dataset movieLens(Path dir, LoadOptions options) {
    return MovieLensLoader.load(requireNonNull(dir, "dir"), requireNonNull(options, "options"));
  }

  /**
   * Amazon reviews, 2014, 2018 or 2023 release, detected from the reviews file:
   *
   * <ul>
   *   <li>JSON lines with {@code reviewerID, asin, overall, unixReviewTime} (2014 and 2018,
   *       seconds);
   *   <li>JSON lines with {@code user_id, parent_asin, rating, timestamp} (2023, milliseconds;
   *       items are joined on {@code parent_asin});
   *   <li>CSV with a header {@code user_id,parent_asin,rating,timestamp} (2023 5-core,
   *       milliseconds);
   *   <li>headerless ratings-only CSV: 2014's {@code user,item,rating,time} or 2018's {@code
   *       item,user,rating,time}, told apart by which column holds 10-character ASINs, or by {@link
   *       LoadOptions#withAmazonVersion}.
   * </ul>
   *
   * The metadata file is JSON lines (2018, 2023) or Python dict literals (2014: single quotes,
   * {@code True}/{@code None}); titles carry HTML entities. Items carry {@code categories},
   * {@code brand} or {@code store}, and {@code category} (2023's {@code main_category}) when
   * present.
   *
   * @param reviews the reviews file
   * @param metadata the product metadata file
   * @return the interactions and items with the load report
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if a file cannot be read
   * @throws DatasetFormatException if a file is in none of the formats, or the CSV layout cannot
   *     be told
   */
  public static Dataset amazon(Path reviews, Path metadata) {
    return amazon(reviews, metadata, LoadOptions.defaults());
  }

  /**
   * {@link #amazon(Path, Path)} with options.
   *
   * @param reviews the reviews file
   * @param metadata the product metadata file
   * @param options the tolerance of malformed lines, the release and the line cap
   * @return the interactions and items with the load report
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if a file cannot be read
   * @throws DatasetFormatException if a file is in none of the formats, or the CSV layout cannot
   *     be told
   */
  public static Dataset amazon(Path reviews, Path metadata, LoadOptions options) {
    return AmazonLoader.load(
        requireNonNull(reviews, "reviews"), requireNonNull(metadata, "metadata"), requireNonNull(options, "options"));
  }

  /**
   * The Yelp Open Dataset: {@code yelp_academic_dataset_review.json} ({@code user_id,
   * business_id, stars, date} with dates {@code "YYYY-MM-DD HH:MM:SS"} read as UTC) and {@code
   * yelp_academic_dataset_business.json} ({@code business_id, name, categories} where categories
   * is a comma-separated string or null). Items are businesses titled by name, with {@code
   * categories}, {@code city} and {@code state} attributes when present.
   *
   * @param reviews the reviews file
   * @param businesses the businesses file
   * @return the interactions and items with the load report
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if a file cannot be read
   * @throws DatasetFormatException if a file is not in its format
   */
  public static Dataset yelp(Path reviews, Path businesses) {
    return yelp(reviews, businesses, LoadOptions.defaults());
  }

  /**
   * {@link #yelp(Path, Path)} with options.
   *
   * @param reviews the reviews file
   * @param businesses the businesses file
   * @param options the tolerance of malformed lines and the line cap
   * @return the interactions and items with the load report
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if a file cannot be read
   * @throws DatasetFormatException if a file is not in its format
   */
  public static Dataset yelp(Path reviews, Path businesses, LoadOptions options) {
    return JsonLinesLoaders.yelp(
        requireNonNull(reviews, "reviews"), requireNonNull(businesses, "businesses"), requireNonNull(options, "options"));
  }

  /**
   * Goodreads (UCSD Book Graph): {@code goodreads_interactions_<genre>.json.gz} ({@code user_id,
   * book_id, rating, date_added} with {@code rating} 0 = shelved without a rating and dates like
   * {@code "Thu Aug 17 15:15:28 -0700 2017"}; {@code date_updated} when {@code date_added} is
   * empty, else the interaction is dropped and counted) and {@code goodreads_books_<genre>.json.gz}
   * ({@code book_id, title, title_without_series}). Every shelved interaction is loaded, read or
   * not. Numbers stored as strings are accepted. Items carry a {@code year} attribute
   * ({@code publication_year}) and a {@code shelves} attribute (the book's most used {@code
   * popular_shelves}, at most 8, comma separated, bookkeeping shelves such as "to-read" left out)
   * when present.
   *
   * @param interactions the interactions file
   * @param books the books file
   * @return the interactions and items with the load report
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if a file cannot be read
   * @throws DatasetFormatException if a file is not in its format
   */
  public static Dataset goodreads(Path interactions, Path books) {
    return goodreads(interactions, books, LoadOptions.defaults());
  }

  /**
   * {@link #goodreads(Path, Path)} with options.
   *
   * @param interactions the interactions file
   * @param books the books file
   * @param options the tolerance of malformed lines and the line cap
   * @return the interactions and items with the load report
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if a file cannot be read
   * @throws DatasetFormatException if a file is not in its format
   */
  public static Dataset goodreads(Path interactions, Path books, LoadOptions options) {
    return JsonLinesLoaders.goodreads(
        requireNonNull(interactions, "interactions"), requireNonNull(books, "books"), requireNonNull(options, "options"));
  }
}
