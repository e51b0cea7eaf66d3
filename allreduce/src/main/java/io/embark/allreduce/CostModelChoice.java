package io.embark.allreduce;

import io.embark.allreduce.cost.CostModel;

/** Where the per-level alpha and beta of the cost model come from. */
public sealed interface CostModelChoice {

    /** Given by configuration. */
    record Configured(CostModel model) implements CostModelChoice {
    }

    /**
     * Measured when the communicator starts: ping-pongs between neighbours of each level, then one
     * small all-reduce so that every rank plans with the same (worst) numbers.
     */
    record Measured() implements CostModelChoice {
    }

    static CostModelChoice configured(CostModel model) {
        return new Configured(model);
    }

    static CostModelChoice measured() {
        return new Measured();
    }
}
