package io.binaryllm.testing;

import io.binaryllm.data.Codes;
import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

/**
 * A test double of a backend: a name, whether it is available and its preference; its search fails unless a test
 * overrides it. It records whether it was closed.
 */
public class FakeBackend implements SearchBackend {
    private final String name;
    private final boolean available;
    private final int preference;
    private boolean closed;

    public FakeBackend(String name, boolean available, int preference) {
        this.name = name;
        this.available = available;
        this.preference = preference;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Availability availability() {
        return available ? Availability.of("a test double") : Availability.unavailable("no " + name + " here");
    }

    @Override
    public int autoPreference() {
        return preference;
    }

    @Override
    public <C extends Codes> SearchResult search(C database, C queries, int k) {
        throw new UnsupportedOperationException(name + " does not search");
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean closed() {
        return closed;
    }
}
