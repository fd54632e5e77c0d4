package dev.agp.eval.data;

/**
 * The release of the Amazon reviews data a file belongs to, when it cannot be told from the file
 * itself (headerless ratings CSVs: 2014's columns are user,item,rating,time and 2018's
 * item,user,rating,time).
 */
public enum AmazonVersion {
  /** McAuley et al. 2014/2015: {@code reviews_<Cat>_5.json.gz}, Python-literal metadata. */
  Y2014,
  /** Ni et al. 2018: {@code <Cat>_5.json.gz}, JSON metadata, ratings CSV item-first. */
  Y2018,
  /** Hou et al. 2023: {@code <Cat>.jsonl}, millisecond timestamps, joined on {@code parent_asin}. */
  Y2023
}
