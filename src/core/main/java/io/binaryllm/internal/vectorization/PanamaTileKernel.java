package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API's tile geometry, shared by its Hamming and osq loops: a block is one code a lane of the preferred
 * long species. Loaded only when {@code jdk.incubator.vector} is in the module graph.
 */
abstract class PanamaTileKernel implements TileKernel {
    static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();

    @Override
    public String describe() {
        return "Vector API, " + SPECIES.vectorBitSize() + "-bit (" + LANES + " codes a register)";
    }

    @Override
    public int lanes() {
        return LANES;
    }
}
