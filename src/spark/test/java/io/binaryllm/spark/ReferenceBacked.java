package io.binaryllm.spark;

import io.binaryllm.data.Codes;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.FakeBackend;

/** A test backend that answers as the reference backend does, for subclasses that inject a fault first. */
abstract class ReferenceBacked extends FakeBackend {
    ReferenceBacked(String name) {
        super(name, true, -1);
    }

    @Override
    public <C extends Codes> SearchResult search(C database, C queries, int k) {
        try (var reference = SearchBackends.open("reference")) {
            return reference.search(database, queries, k);
        }
    }
}
