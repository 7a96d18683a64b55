package io.binaryllm.runner.internal;

import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The report's PNG charts (XChart, headless). */
final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** One line per series: x = bits, y = a quality metric. */
    static void qualityVsBits(Path file, String metric, Map<String, double[][]> series, double floatValue) {
        quality(file, metric + " against code bits", "bits per code", metric, series, floatValue);
    }

    /** One line per series: x = bytes a vector takes (codes and any corrections), y = a quality metric. */
    static void qualityVsBytes(Path file, String metric, Map<String, double[][]> series, double floatValue) {
        quality(file, metric + " against bytes per vector", "bytes per vector (codes + corrections)", metric, series, floatValue);
    }

    private static void quality(Path file, String title, String xTitle, String metric, Map<String, double[][]> series, double floatValue) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle(xTitle).yAxisTitle(metric).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        Map<String, String> labels = labels(series);
        for (var e : series.entrySet()) {
            chart.addSeries(labels.get(e.getKey()), e.getValue()[0], e.getValue()[1]).setMarker(SeriesMarkers.CIRCLE);
            for (double x : e.getValue()[0]) {
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
            }
        }
        if (!Double.isNaN(floatValue) && maxX > 0) {
            chart.addSeries("float32 baseline", new double[]{minX, maxX}, new double[]{floatValue, floatValue}).setMarker(SeriesMarkers.NONE);
        }
        save(chart, file);
    }

    /**
     * Each series' legend label: its name, and for a series whose every point lies under a point of a series drawn
     * after it (within a marker's width: 1% of either axis's range), so that it cannot be seen, the name of that one
     * (sign and scaled-sign rank alike; sign and hyperplane codes rescored agree to the third digit).
     */
    static Map<String, String> labels(Map<String, double[][]> series) {
        double[] range = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double[][] xy : series.values()) {
            for (int p = 0; p < xy[0].length; p++) {
                range[0] = Math.min(range[0], xy[0][p]);
                range[1] = Math.max(range[1], xy[0][p]);
                range[2] = Math.min(range[2], xy[1][p]);
                range[3] = Math.max(range[3], xy[1][p]);
            }
        }
        double tolX = 0.01 * (range[1] - range[0]);
        double tolY = 0.01 * (range[3] - range[2]);
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        List<String> names = List.copyOf(series.keySet());
        for (int i = 0; i < names.size(); i++) {
            String label = names.get(i);
            for (int j = names.size() - 1; j > i; j--) { // the last drawn is the one on top
                if (covers(series.get(names.get(j)), series.get(names.get(i)), tolX, tolY)) {
                    label += " (hidden under " + names.get(j) + ")";
                    break;
                }
            }
            labels.put(names.get(i), label);
        }
        return labels;
    }

    /** Whether every point of {@code b} lies within (tolX, tolY) of a point of {@code a} ({x[], y[]} each). */
    private static boolean covers(double[][] a, double[][] b, double tolX, double tolY) {
        for (int p = 0; p < b[0].length; p++) {
            boolean found = false;
            for (int q = 0; q < a[0].length && !found; q++) {
                found = Math.abs(a[0][q] - b[0][p]) <= tolX && Math.abs(a[1][q] - b[1][p]) <= tolY;
            }
            if (!found) {
                return false;
            }
        }
        return b[0].length > 0;
    }

    /** Distribution of normalised Hamming distances (distance / bits) of each variant's top-k neighbours. */
    static void distanceHistogram(Path file, Map<String, double[]> fractions, int bins) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title("Hamming distance of the top-k neighbours")
                .xAxisTitle("distance / bits").yAxisTitle("share of neighbours").build();
        for (var e : fractions.entrySet()) {
            double[] x = new double[bins];
            double[] y = new double[bins];
            for (int b = 0; b < bins; b++) {
                x[b] = (b + 0.5) / bins;
            }
            for (double f : e.getValue()) {
                y[Math.min(bins - 1, (int) (f * bins))] += 1.0 / e.getValue().length;
            }
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        save(chart, file);
    }

    /** Search throughput per backend. */
    static void throughput(Path file, List<String> backends, List<Double> mpairs, String title) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(520).title(title)
                .xAxisTitle("backend").yAxisTitle("million query-code pairs per second").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("throughput", backends, mpairs);
        save(chart, file);
    }

    private static void save(Chart<?, ?> chart, Path file) {
        try {
            String name = file.toString();
            BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot write: " + FileKinds.reason(e));
        }
    }
}
