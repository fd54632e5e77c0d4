/**
 * The {@code agp} command line and the offline demo, and {@link dev.agp.examples.SimulatedLlm},
 * the deterministic stand-in for a language model that runs them without a network.
 */
@NullMarked
package dev.agp.examples;

import org.jspecify.annotations.NullMarked;
