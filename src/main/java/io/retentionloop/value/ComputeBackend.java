package io.retentionloop.value;

import java.util.Locale;

/**
 * Which ND4J backend the scorer runs on, and why. ND4J chooses its backend once per JVM when it
 * loads (the highest {@code BACKEND_PRIORITY_*} among those that load); the scorer checks that
 * choice against what Flink says the task manager has, and makes a fallback explicit.
 */
public enum ComputeBackend {
    /** A GPU was given to this task manager and ND4J runs on CUDA. */
    GPU,
    /** No GPU was given to this task manager. */
    CPU,
    /** A GPU was given but ND4J could not use it (no CUDA build, libraries or device). */
    CPU_FALLBACK;

    /**
     * @param gpusGranted GPUs Flink's external-resource framework reports for this task manager
     * @param nd4jBackend simple class name of the backend ND4J loaded
     */
    public static ComputeBackend decide(int gpusGranted, String nd4jBackend) {
        boolean cuda =
                nd4jBackend.toLowerCase(Locale.ROOT).contains("cuda")
                        || nd4jBackend.toLowerCase(Locale.ROOT).contains("cublas");
        if (gpusGranted == 0) {
            return CPU;
        }
        return cuda ? GPU : CPU_FALLBACK;
    }

    /** The sentence the scorer logs at start. */
    public String explain(int gpusGranted, String nd4jBackend) {
        return switch (this) {
            case GPU ->
                    "value-scorer on GPU (" + gpusGranted + " granted, ND4J " + nd4jBackend + ")";
            case CPU ->
                    "value-scorer on CPU (no GPU granted to this task manager, ND4J "
                            + nd4jBackend
                            + ")";
            case CPU_FALLBACK ->
                    "value-scorer FALLING BACK TO CPU: "
                            + gpusGranted
                            + " GPU(s) granted but ND4J loaded "
                            + nd4jBackend
                            + "; build with -Pgpu, install CUDA 11.6 libraries (cuBLAS/cuSOLVER 11), and"
                            + " note nd4j-cuda-11.6 runs on compute capability 3.7-8.6 only (not Hopper)";
        };
    }
}
