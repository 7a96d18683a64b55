package io.binaryllm.search;

import io.binaryllm.BadInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The registered backends, and the choice behind {@code --backend}. */
public final class SearchBackends {
    private SearchBackends() {
    }

    /**
     * A fresh instance of every registered backend, available or not, in registration order (reference first).
     * Nothing here probes a device: a GPU backend's preference depends on its device, and opening a driver costs
     * a tenth of a second that a run on another backend should not pay.
     */
    public static List<SearchBackend> loadAll() {
        List<SearchBackend> all = new ArrayList<>();
        ServiceLoader.load(SearchBackend.class).forEach(all::add);
        return all;
    }

    /** Names of every registered backend. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (SearchBackend b : loadAll()) {
            names.add(b.name());
            b.close();
        }
        return names;
    }

    /**
     * Opens backend {@code name}, or for {@code auto} the available backend with the highest
     * {@link SearchBackend#autoPreference()}. A named backend that cannot run here is refused with its reason.
     */
    public static SearchBackend open(String name) {
        List<SearchBackend> all = loadAll();
        SearchBackend chosen = null;
        if (name.equals("auto")) {
            for (SearchBackend b : all) {
                if (b.availability().available() && (chosen == null || b.autoPreference() > chosen.autoPreference())) {
                    chosen = b; // ties go to the earlier registered
                }
            }
        } else {
            chosen = all.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow(() -> new BadInputException(
                    "--backend: unknown backend '" + name + "'; known: auto, " + String.join(", ", all.stream().map(SearchBackend::name).toList())));
            Availability a = chosen.availability();
            if (!a.available()) {
                all.forEach(SearchBackend::close);
                throw new BadInputException("--backend " + name + ": unavailable here: " + a.detail());
            }
        }
        for (SearchBackend b : all) {
            if (b != chosen) {
                b.close();
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("no backend is available, not even reference");
        }
        return chosen;
    }
}
