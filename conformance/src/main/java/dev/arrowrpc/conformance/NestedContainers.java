package dev.arrowrpc.conformance;

import dev.arrowrpc.core.Nullable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Enums and records inside containers, as {@code pack_nested_containers} returns them. Inside this
 * record a {@link Point} is a struct and a {@link Status} a dictionary&lt;int16, utf8&gt; string;
 * the batch is a binary cell holding its IPC stream. Whoever receives a value owns {@link
 * #tagged_batch()} and closes it.
 *
 * @param statuses list of enum members
 * @param points list of points
 * @param status_by_name map of utf8 to enum members, in insertion order
 * @param frozen_statuses the distinct members of {@code statuses}, travelling as a list
 * @param tagged_status the first status, or null when there is none
 * @param tagged_point the first point, or null when there is none
 * @param tagged_batch a record batch, or null
 */
public record NestedContainers(
    List<Status> statuses,
    List<Point> points,
    Map<String, Status> status_by_name,
    Set<Status> frozen_statuses,
    @Nullable Status tagged_status,
    @Nullable Point tagged_point,
    @Nullable VectorSchemaRoot tagged_batch) {}
