package org.labhub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A reproducible corpus of realistic users' files, written straight into the homes (as notebook containers would):
 * per user, notebooks in Python, R and Julia of mixed sizes (markdown, code, text outputs, a tenth with a plot as a base64
 * PNG output), and as many other files (scripts, CSV tables, notes, logs, JSON), in five project folders.
 */
final class SearchCorpus {
    static final int PROJECTS = 5;

    /** Words of lab notebooks; earlier ones are drawn more often (Zipf-like), so queries span common to rare. */
    static final String[] WORDS = ("data analysis model results figure sample mean error value plot regression temperature "
            + "measurement experiment signal noise fit parameter distribution variance correlation dataset training test "
            + "validation cluster spectrum protein sequence gene expression cell growth rate concentration pressure velocity "
            + "simulation estimate baseline calibration sensor detector energy particle photon wavelength absorption "
            + "spectroscopy microscopy imaging segmentation threshold histogram density kernel bootstrap confidence interval "
            + "hypothesis pvalue significance anova bayesian posterior prior likelihood markov chain convergence gradient "
            + "optimizer learning network layer neuron activation dropout epoch batch loss accuracy precision recall "
            + "classifier forest boosting kmeans pca embedding manifold tsne umap genome alignment variant mutation "
            + "phylogeny species population ecology climate anomaly precipitation salinity ocean glacier seismic "
            + "earthquake magnitude galaxy redshift luminosity exoplanet transit stellar neutron isotope decay halflife "
            + "polymer catalyst reaction enzyme kinetics michaelis zebrafish drosophila arabidopsis yeast mitochondria "
            + "ribosome chromatin methylation transcriptome proteome metabolite lipid membrane receptor ligand antibody").split(" ");

    private static final String[] PY = {
            "import numpy as np", "import pandas as pd", "import matplotlib.pyplot as plt", "from scipy import stats",
            "df = pd.read_csv('%s.csv')", "df.groupby('%s').mean()", "plt.plot(x, y, label='%s')", "plt.hist(df['%s'], bins=50)",
            "model = LinearRegression().fit(X, y)", "print(df.describe())", "result = stats.ttest_ind(a, b)",
            "x = np.linspace(0, 10, 200)", "y = np.sin(x) + np.random.normal(0, 0.1, x.size)", "for i, row in df.iterrows():",
            "    total += row['%s']", "def %s(values):", "    return np.mean(values)", "df['%s'] = df['%s'].rolling(7).mean()"};
    private static final String[] R = {
            "library(ggplot2)", "library(dplyr)", "df <- read.csv('%s.csv')", "summary(df)", "fit <- lm(%s ~ %s, data = df)",
            "ggplot(df, aes(x = %s, y = %s)) + geom_point()", "df %%>%% group_by(%s) %%>%% summarise(m = mean(%s))",
            "t.test(a, b)", "hist(df$%s, breaks = 40)", "%s <- function(x) { mean(x, na.rm = TRUE) }", "anova(fit)"};
    private static final String[] JL = {
            "using DataFrames, CSV, Plots", "df = CSV.read(\"%s.csv\", DataFrame)", "plot(x, y, label=\"%s\")",
            "function %s(x)", "    sum(x) / length(x)", "end", "combine(groupby(df, :%s), :%s => mean)", "@time solve(prob)",
            "x = range(0, 10, length=200)", "histogram(df.%s, bins=50)"};

    private final Random random;
    private int plotsLeft;

    SearchCorpus(long seed) {
        this.random = new Random(seed);
    }

    /** One word, common ones far more often. */
    String word() {
        double u = random.nextDouble();
        return WORDS[(int) Math.min(WORDS.length - 1, Math.floor(Math.pow(u, 2.2) * WORDS.length))];
    }

    private String words(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(word());
        }
        return sb.toString();
    }

    /** Writes {@code notebooks} notebooks and {@code others} other files into {@code home}'s project folders; returns bytes. */
    long writeHome(Path home, int notebooks, int others) throws IOException {
        long bytes = 0;
        for (int p = 0; p < PROJECTS; p++) {
            Files.createDirectories(home.resolve("projects/p" + p + "/data"));
        }
        for (int i = 0; i < notebooks; i++) {
            Path f = home.resolve("projects/p" + (i % PROJECTS) + "/" + words(2).replace(' ', '-') + "-" + i + ".ipynb");
            byte[] b = notebook().getBytes(StandardCharsets.UTF_8);
            Files.write(f, b);
            bytes += b.length;
        }
        for (int i = 0; i < others; i++) {
            String dir = "projects/p" + (i % PROJECTS) + (i % 3 == 0 ? "/data/" : "/");
            String[] kinds = {"py", "R", "jl", "csv", "md", "txt", "json"};
            String ext = kinds[random.nextInt(kinds.length)];
            Path f = home.resolve(dir + word() + "-" + i + "." + ext);
            byte[] b = other(ext).getBytes(StandardCharsets.UTF_8);
            Files.write(f, b);
            bytes += b.length;
        }
        return bytes;
    }

    /** From 3 to about 60 cells; a tenth carry one plot (a base64 PNG of 20–120 KB). */
    String notebook() {
        int lang = random.nextInt(20);
        String language = lang < 12 ? "python" : lang < 17 ? "R" : "julia";
        String[] lines = lang < 12 ? PY : lang < 17 ? R : JL;
        int cells = 3 + (int) Math.floor(Math.pow(random.nextDouble(), 3) * 60);
        plotsLeft = random.nextInt(10) == 0 ? 1 : 0;
        StringBuilder sb = new StringBuilder("{\"cells\":[");
        sb.append(cell("markdown", "# " + capitalize(words(3 + random.nextInt(4))) + "\\n\\n" + words(20 + random.nextInt(40)), ""));
        for (int c = 1; c < cells; c++) {
            sb.append(',');
            if (random.nextInt(3) == 0) {
                String heading = random.nextInt(3) == 0 ? "## " + capitalize(words(3)) + "\\n\\n" : "";
                sb.append(cell("markdown", heading + words(10 + random.nextInt(80)), ""));
            } else {
                StringBuilder code = new StringBuilder();
                int n = 1 + random.nextInt(12);
                for (int l = 0; l < n; l++) {
                    String line = lines[random.nextInt(lines.length)];
                    code.append(line.replace("%s", word()).replace("%%", "%").replace("\"", "\\\"")).append("\\n");
                }
                sb.append(cell("code", code.toString(), outputs()));
            }
        }
        sb.append("],\"metadata\":{\"kernelspec\":{\"display_name\":\"").append(language).append("\",\"language\":\"")
                .append(language.toLowerCase()).append("\",\"name\":\"").append(language.toLowerCase())
                .append("\"},\"language_info\":{\"name\":\"").append(language.toLowerCase()).append("\"}},\"nbformat\":4,\"nbformat_minor\":5}");
        return sb.toString();
    }

    private String outputs() {
        int k = random.nextInt(10);
        if (k < 4) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        int rows = 1 + random.nextInt(k < 8 ? 8 : 60);
        for (int r = 0; r < rows; r++) {
            text.append(word()).append("  ").append(fixed(random.nextGaussian() * 10, 10_000)).append("  ")
                    .append(fixed(random.nextDouble() * 100, 100)).append("\\n");
        }
        String stream = "{\"name\":\"stdout\",\"output_type\":\"stream\",\"text\":\"" + text + "\"}";
        if (k == 9 && plotsLeft > 0) {
            plotsLeft--;
            byte[] png = new byte[20_000 + random.nextInt(100_000)];
            random.nextBytes(png);
            stream += ",{\"output_type\":\"display_data\",\"data\":{\"image/png\":\"" + Base64.getEncoder().encodeToString(png)
                    + "\",\"text/plain\":\"<Figure size 640x480 with 1 Axes>\"},\"metadata\":{}}";
        }
        return stream;
    }

    private static String cell(String type, String source, String outputs) {
        return "{\"cell_type\":\"" + type + "\",\"metadata\":{},\"source\":\"" + source + "\""
                + (type.equals("code") ? ",\"execution_count\":1,\"outputs\":[" + outputs + "]" : "") + "}";
    }

    String other(String ext) {
        StringBuilder sb = new StringBuilder();
        int size = 300 + (int) (Math.pow(random.nextDouble(), 4) * 80_000);
        switch (ext) {
            case "csv" -> {
                sb.append(word()).append(',').append(word()).append(",value,error\n");
                while (sb.length() < size) {
                    sb.append(word()).append(',').append(random.nextInt(1000)).append(',')
                            .append(fixed(random.nextGaussian(), 100_000)).append(',')
                            .append(fixed(random.nextDouble(), 1000)).append('\n');
                }
            }
            case "json" -> {
                sb.append("{\"experiment\":\"").append(words(3)).append("\",\"parameters\":{");
                while (sb.length() < Math.min(size, 8000)) {
                    sb.append('"').append(word()).append("\":").append(random.nextInt(100)).append(',');
                }
                sb.append("\"seed\":42}}\n");
            }
            default -> {
                String[] lines = ext.equals("py") ? PY : ext.equals("R") ? R : ext.equals("jl") ? JL : null;
                while (sb.length() < size) {
                    if (lines != null) {
                        sb.append(lines[random.nextInt(lines.length)].replace("%s", word()).replace("%%", "%")).append('\n');
                    } else {
                        sb.append(ext.equals("md") && random.nextInt(8) == 0 ? "## " : "").append(words(8 + random.nextInt(12))).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    /** A number with a few decimals, cheaper than String.format (20,000 files hold millions of them). */
    private static String fixed(double v, int scale) {
        return Double.toString(Math.round(v * scale) / (double) scale);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The users: {@code u00} … (the reader is the first). */
    static List<String> users(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("u%02d", i));
        }
        return out;
    }
}
