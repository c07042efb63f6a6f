package dev.arrowrpc.conformance;

/**
 * A point in the plane: a binary IPC cell as a parameter or result, a struct inside other records.
 *
 * @param x the x coordinate
 * @param y the y coordinate
 */
public record Point(double x, double y) {}
