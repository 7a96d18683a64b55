package io.binaryllm.testing;

import java.io.File;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a test needs to start another JVM on the classes it runs with. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * This JVM's class path and module path as one class path: a module's tests run on the module path (its classes
     * there, its test classes patched in), and a child started with {@code -cp} needs both.
     */
    public static String classPath() {
        return Stream.of(System.getProperty("jdk.module.path"), System.getProperty("java.class.path"))
                .filter(p -> p != null && !p.isEmpty()).collect(Collectors.joining(File.pathSeparator));
    }
}
