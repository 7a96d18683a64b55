/**
 * {@code bin/binaryllm}: the picocli commands ({@link io.binaryllm.cli.Main} is the entry point; the commands and
 * their helpers are package-private). Errors: exit 2 and one line naming the option or file, exit 1 for a bug.
 */
package io.binaryllm.cli;
