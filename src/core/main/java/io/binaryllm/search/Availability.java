package io.binaryllm.search;

/**
 * Whether a backend can run here, and either the device it would use or the reason it cannot
 * (no driver, no library, no device), in words a user can act on.
 */
public record Availability(boolean available, String detail) {
    public static Availability of(String device) {
        return new Availability(true, device);
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
