/**
 * Errors a user can fix: {@link io.binaryllm.BadArgumentException} (a call's argument, named) and
 * {@link io.binaryllm.BadInputException} (a file's content, with row and column). The CLI turns both into exit 2 and
 * one line; {@link io.binaryllm.Messages} keeps every message to one printable line.
 */
package io.binaryllm;
