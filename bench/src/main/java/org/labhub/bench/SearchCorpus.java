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
 * <p>
 * The vocabulary is shaped like a real lab's (Zipf): about a hundred general words of data analysis appear in most
 * files; each project has its own code name, two topic words (of {@link #TOPICS}, each topic in a handful of projects)
 * and its own function names, used mostly inside that project; a long tail of 20,000 made-up words makes the rest, each
 * rare. So a query for a common word matches thousands of files, one for a topic, project or function name a few
 * dozen to a few hundred, as in a real hub. Everything that depends on the project (code name, topics, functions) is a
 * pure function of the user and project number, so the benchmark can name them in its queries.
 */
final class SearchCorpus {
    static final int PROJECTS = 5;
    /** Users the static project tables cover (the bench's default is 50). */
    static final int MAX_USERS = 200;
    private static final long TABLE_SEED = 7;

    /** Words of data analysis that every lab uses; drawn with Zipf weights (earlier ones far more often). */
    static final String[] GENERAL = ("data analysis model results figure sample mean error value plot regression temperature "
            + "measurement experiment signal noise fit parameter distribution variance correlation dataset training test "
            + "validation cluster rate concentration pressure estimate baseline calibration sensor threshold histogram "
            + "density kernel bootstrap confidence interval hypothesis pvalue significance anova bayesian posterior prior "
            + "likelihood markov chain convergence gradient optimizer learning network layer activation dropout epoch batch "
            + "loss accuracy precision recall classifier forest boosting kmeans pca embedding manifold tsne umap control "
            + "treatment replicate batch outlier normalization scaling smoothing filter interpolation residual covariance "
            + "matrix vector series frequency amplitude phase peak background offset drift uncertainty").split(" ");

    /** Topic words: each project works on two, so each appears mostly in a few projects' files. */
    static final String[] TOPICS = ("genome alignment variant mutation phylogeny species population ecology climate anomaly "
            + "precipitation salinity ocean glacier seismic earthquake magnitude galaxy redshift luminosity exoplanet transit "
            + "stellar neutron isotope decay halflife polymer catalyst reaction enzyme kinetics michaelis zebrafish drosophila "
            + "arabidopsis yeast mitochondria ribosome chromatin methylation transcriptome proteome metabolite lipid membrane "
            + "receptor ligand antibody spectroscopy spectrometer spectrogram microscopy microscope microfluidics imaging "
            + "segmentation photon wavelength absorption fluorescence laser plasma tokamak superconductor graphene nanowire "
            + "perovskite photovoltaic battery electrolyte anode cathode corrosion alloy crystal diffraction neutrino muon "
            + "pulsar quasar nebula supernova cosmology lensing aerosol ozone monsoon permafrost sediment aquifer groundwater "
            + "watershed wildfire drought coral plankton krill seagrass mangrove pollinator bumblebee songbird bat malaria "
            + "tuberculosis influenza vaccine cytokine tcell macrophage neuron synapse hippocampus cortex electrode eeg fmri "
            + "retina cochlea tendon cartilage biofilm microbiome virome phage crispr plasmid organoid stemcell embryo "
            + "placenta insulin glucose cholesterol telomere apoptosis autophagy circadian sleep gait prosthesis turbulence "
            + "vortex airfoil combustion hydrogen ammonia catalysis zeolite membrane desalination").split(" ");

    private static final String[] VERBS = {"load", "fit", "plot", "clean", "normalize", "compute", "summarize", "export",
            "merge", "filter", "align", "score", "simulate", "calibrate", "segment"};
    private static final String[] NOUNS = {"runs", "counts", "curve", "table", "spectra", "frames", "series", "peaks", "events",
            "scores", "samples", "traces", "cohort", "grid", "profile"};
    /** Fixed sentences in notes: the phrases people search for. */
    private static final String[] STOCK = {"the mean squared error on the validation set", "we report the median and the interquartile range",
            "see the methods section for the full protocol", "the effect size is small but consistent across replicates",
            "raw files are in the shared drive under the run date"};
    private static final String[] SYLLABLES = ("ka ro mi te lu sa ne vo di pa go re fi zu ba le to mu ki no ra se ti da lo "
            + "ve mo ri na su").split(" ");
    /** Words of the long tail that prose draws from; the made-up words after them are only code names. */
    private static final int TAIL_WORDS = 20_000;
    /** The long tail: made-up words, each rare. */
    static final String[] TAIL = tail(TAIL_WORDS + MAX_USERS * PROJECTS);
    private static final double[] GENERAL_CDF = zipf(GENERAL.length, 1.0);
    private static final double[] TAIL_CDF = zipf(TAIL_WORDS, 1.0);
    private static final String[][] PROJECT_TOPICS = projectTopics();
    private static final String[] CODENAMES = codenames();

    /** The code name of {@code user}'s project {@code project} (unique in the corpus). */
    static String codename(int user, int project) {
        return CODENAMES[user * PROJECTS + project];
    }

    /** The two topic words of a project. */
    static String[] topics(int user, int project) {
        return PROJECT_TOPICS[user * PROJECTS + project];
    }

    /** The {@code k}-th (0–5) of the functions a project defines, such as {@code fit_zebrafish_counts}. */
    static String function(int user, int project, int k) {
        int g = user * PROJECTS + project;
        String topic = k % 2 == 0 ? topics(user, project)[k / 2 % 2] : codename(user, project);
        return VERBS[(g * 7 + k * 3) % VERBS.length] + "_" + topic + "_" + NOUNS[(g * 5 + k * 11) % NOUNS.length];
    }

    private static String[] tail(int n) {
        Random r = new Random(TABLE_SEED);
        java.util.Set<String> taken = new java.util.HashSet<>(List.of(GENERAL));
        taken.addAll(List.of(TOPICS));
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            StringBuilder w = new StringBuilder();
            int syllables = 2 + r.nextInt(3);
            for (int i = 0; i < syllables; i++) {
                w.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
            }
            w.append("lmnrstx".charAt(r.nextInt(7)));
            if (taken.add(w.toString())) {
                out.add(w.toString());
            }
        }
        return out.toArray(String[]::new);
    }

    private static String[] codenames() {
        // Made-up words that prose never draws: a project's name appears only where its people wrote it.
        String[] names = new String[MAX_USERS * PROJECTS];
        for (int i = 0; i < names.length; i++) {
            names[i] = TAIL[TAIL_WORDS + i];
        }
        return names;
    }

    private static String[][] projectTopics() {
        List<String> slots = new ArrayList<>();
        while (slots.size() < MAX_USERS * PROJECTS * 2) {
            slots.addAll(List.of(TOPICS));
        }
        java.util.Collections.shuffle(slots, new Random(TABLE_SEED));
        String[][] t = new String[MAX_USERS * PROJECTS][];
        for (int g = 0; g < t.length; g++) {
            String a = slots.get(2 * g);
            String b = slots.get(2 * g + 1);
            t[g] = new String[] {a, b.equals(a) ? TOPICS[(List.of(TOPICS).indexOf(a) + 1) % TOPICS.length] : b};
        }
        return t;
    }

    /** Cumulative Zipf weights 1/rank^s. */
    private static double[] zipf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private String draw(String[] words, double[] cdf) {
        int i = java.util.Arrays.binarySearch(cdf, random.nextDouble());
        return words[Math.min(cdf.length - 1, i < 0 ? -i - 1 : i)];
    }

    private static final String[] PY = {
            "import numpy as np", "import pandas as pd", "import matplotlib.pyplot as plt", "from scipy import stats",
            "df = pd.read_csv('%s.csv')", "df.groupby('%s').mean()", "plt.plot(x, y, label='%s')", "plt.hist(df['%s'], bins=50)",
            "model = LinearRegression().fit(X, y)", "print(df.describe())", "result = stats.ttest_ind(a, b)",
            "x = np.linspace(0, 10, 200)", "y = np.sin(x) + np.random.normal(0, 0.1, x.size)", "for i, row in df.iterrows():",
            "    total += row['%s']", "def %f(values):", "    return np.mean(values)", "result = %f(df)", "df['%s'] = df['%s'].rolling(7).mean()"};
    private static final String[] R = {
            "library(ggplot2)", "library(dplyr)", "df <- read.csv('%s.csv')", "summary(df)", "fit <- lm(%s ~ %s, data = df)",
            "ggplot(df, aes(x = %s, y = %s)) + geom_point()", "df %%>%% group_by(%s) %%>%% summarise(m = mean(%s))",
            "t.test(a, b)", "hist(df$%s, breaks = 40)", "%f <- function(x) { mean(x, na.rm = TRUE) }", "res <- %f(df)", "anova(fit)"};
    private static final String[] JL = {
            "using DataFrames, CSV, Plots", "df = CSV.read(\"%s.csv\", DataFrame)", "plot(x, y, label=\"%s\")",
            "function %f(x)", "    sum(x) / length(x)", "end", "combine(groupby(df, :%s), :%s => mean)", "@time solve(prob)",
            "x = range(0, 10, length=200)", "res = %f(df)", "histogram(df.%s, bins=50)"};

    private final Random random;
    private int plotsLeft;
    /** The project being written (its user and number), which decides its code name, topics and functions. */
    private int user;
    private int project;

    SearchCorpus(long seed) {
        this.random = new Random(seed);
    }

    /**
     * One word of prose or a column name: mostly general words, often the project's topics, sometimes its code name,
     * a few from the long tail, rarely another project's topic.
     */
    String word() {
        int k = random.nextInt(1000);
        if (k < 640) {
            return draw(GENERAL, GENERAL_CDF);
        }
        if (k < 740) {
            return topics(user, project)[random.nextInt(2)];
        }
        if (k < 745) {
            return codename(user, project);
        }
        if (k < 746) {
            return TOPICS[random.nextInt(TOPICS.length)];
        }
        return draw(TAIL, TAIL_CDF);
    }

    /** One of the project's functions (most of them), or one of a neighbour's (copied code). */
    private String function() {
        if (random.nextInt(20) == 0) {
            return function(random.nextInt(MAX_USERS), random.nextInt(PROJECTS), random.nextInt(6));
        }
        return function(user, project, random.nextInt(6));
    }

    /** Words of a note, now and then with one of the fixed sentences people search for. */
    private String prose(int n) {
        String text = words(n);
        return random.nextInt(12) == 0 ? text + " " + STOCK[random.nextInt(STOCK.length)] : text;
    }

    private String words(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(word());
        }
        return sb.toString();
    }

    /** A line of code with its placeholders filled: {@code %s} a word, {@code %f} a function. */
    private String code(String line) {
        return line.replace("%s", word()).replace("%f", function()).replace("%%", "%");
    }

    /** Writes user number {@code user}'s {@code notebooks} notebooks and {@code others} other files into {@code home}'s project folders; returns bytes. */
    long writeHome(Path home, int user, int notebooks, int others) throws IOException {
        this.user = user;
        long bytes = 0;
        for (int p = 0; p < PROJECTS; p++) {
            Files.createDirectories(home.resolve("projects/p" + p + "/data"));
        }
        for (int i = 0; i < notebooks; i++) {
            project = i % PROJECTS;
            Path f = home.resolve("projects/p" + project + "/" + words(2).replace(' ', '-') + "-" + i + ".ipynb");
            byte[] b = notebook().getBytes(StandardCharsets.UTF_8);
            Files.write(f, b);
            bytes += b.length;
        }
        for (int i = 0; i < others; i++) {
            project = i % PROJECTS;
            String dir = "projects/p" + project + (i % 3 == 0 ? "/data/" : "/");
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
        sb.append(cell("markdown", "# " + capitalize(codename(user, project)) + ": " + words(3 + random.nextInt(4)) + "\\n\\n"
                + prose(20 + random.nextInt(40)), ""));
        for (int c = 1; c < cells; c++) {
            sb.append(',');
            if (random.nextInt(3) == 0) {
                String heading = random.nextInt(3) == 0 ? "## " + capitalize(words(3)) + "\\n\\n" : "";
                sb.append(cell("markdown", heading + prose(10 + random.nextInt(80)), ""));
            } else {
                StringBuilder code = new StringBuilder();
                int n = 1 + random.nextInt(12);
                for (int l = 0; l < n; l++) {
                    String line = lines[random.nextInt(lines.length)];
                    code.append(code(line).replace("\"", "\\\"")).append("\\n");
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
                        sb.append(code(lines[random.nextInt(lines.length)])).append('\n');
                    } else {
                        sb.append(ext.equals("md") && random.nextInt(8) == 0 ? "## " : "").append(prose(8 + random.nextInt(12))).append('\n');
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

    static String capitalize(String s) {
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
