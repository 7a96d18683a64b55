package io.binaryllm.spark;

import io.binaryllm.engine.BinaryEngine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One engine per backend name in each executor JVM, kept for its life: a task then starts searching at once instead
 * of opening a backend (its thread pool, its native library or device) for every shard. Searches on one engine may run
 * from several task threads at once; the backend's threads are daemons, so the executor exits as before.
 */
final class ExecutorEngines {
    private static final Map<String, BinaryEngine> ENGINES = new ConcurrentHashMap<>();

    private ExecutorEngines() {
    }

    static BinaryEngine get(String backend) {
        return ENGINES.computeIfAbsent(backend, name -> BinaryEngine.builder().backend(name).build());
    }
}
