package dev.arrowrpc.conformance;

/**
 * A labelled box given by two corners (nested points travel as structs).
 *
 * @param top_left the upper left corner
 * @param bottom_right the lower right corner
 * @param label the label
 */
public record BoundingBox(Point top_left, Point bottom_right, String label) {}
