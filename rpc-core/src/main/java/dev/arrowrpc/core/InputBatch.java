package dev.arrowrpc.core;

import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/**
 * One input batch of a {@link BatchStream} turn, valid only during the turn: copy out what must
 * outlive it. A producer's tick is a zero-row batch with no columns.
 *
 * @param root the batch's columns (dictionary-encoded columns hold indices)
 * @param metadata the batch's custom metadata
 * @param dictionaries the dictionaries of the input stream
 */
public record InputBatch(
    VectorSchemaRoot root, Map<String, String> metadata, DictionaryProvider dictionaries) {}
