package io.github.cdcmonitoring.repo;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The parts of the repository's {@code docker-compose.yml} that the native stack and the tests read, with
 * {@code ${VAR}} references interpolated from {@code .env} the way docker compose does (see
 * {@link ComposeInterpolation}; ComposeConfigTest compares it with Compose's own resolved model). The project's one
 * reader of the compose file in Java.
 */
public final class ComposeFile {

    /** {@code [ip:]${VARIABLE}:container-port[/protocol]}: the host port given by a variable. */
    private static final Pattern HOST_PORT_VARIABLE =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}:[0-9]+(/[a-z]+)?$");
    /** The compose file, relative to the repository's root. */
    public static final String FILE = "docker-compose.yml";

    private final Path source;
    private final Map<String, Object> root;
    private final ComposeInterpolation interpolation;

    private ComposeFile(Path source, Map<String, Object> root, ComposeInterpolation interpolation) {
        this.source = source;
        this.root = root;
        this.interpolation = interpolation;
    }

    /** The repository's {@code docker-compose.yml}, interpolated with its {@code .env}. */
    public static ComposeFile of(RepoFiles repo) {
        return read(repo.file(FILE), repo.dotEnv().asMap());
    }

    /** Reads a compose file; {@code variables} are what docker compose would take from {@code .env}. */
    public static ComposeFile read(Path file, Map<String, String> variables) {
        Object document;
        try (Reader reader = Files.newBufferedReader(file)) {
            // SafeConstructor: plain maps, lists and scalars only; anchors, aliases and merge keys are resolved.
            document = new Yaml(new ComposeTags(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!(document instanceof Map)) {
            throw new IllegalArgumentException(file + ": not a compose file (the top level is not a mapping)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) document;
        return new ComposeFile(file, root, new ComposeInterpolation(variables));
    }

    /**
     * SafeConstructor that also reads Compose's merge tags {@code !reset} and {@code !override} (an override file
     * resets or replaces what it extends or overrides) as their plain value: this reader looks at one file at a time.
     */
    private static final class ComposeTags extends SafeConstructor {

        ComposeTags(LoaderOptions options) {
            super(options);
            for (String tag : List.of("!reset", "!override")) {
                yamlConstructors.put(new Tag(tag), new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        node.setTag(node instanceof MappingNode ? Tag.MAP : node instanceof SequenceNode ? Tag.SEQ
                                : "null".equals(((ScalarNode) node).getValue()) ? Tag.NULL : Tag.STR);
                        return getConstructor(node).construct(node);
                    }
                });
            }
        }
    }

    /** A service's {@code extends}: the file (relative to this one's folder; this file when absent) and service. */
    public record Extends(Path file, String service) {
    }

    /** {@code services.<service>.extends}, if the service extends another. */
    public Optional<Extends> serviceExtends(String service) {
        Object extendsValue = service(service).get("extends");
        if (extendsValue == null) {
            return Optional.empty();
        }
        String where = "services." + service + ".extends";
        if (extendsValue instanceof Map<?, ?> map) {
            Object file = map.get("file");
            Path resolved = file == null ? source : source.toAbsolutePath().getParent().resolve(scalar(file, where));
            return Optional.of(new Extends(resolved.normalize(), scalar(map.get("service"), where + ".service")));
        }
        return Optional.of(new Extends(source, scalar(extendsValue, where)));
    }

    /**
     * {@code services.<service>.environment}, interpolated, in file order. Accepts both forms the specification
     * allows: a mapping ({@code KEY: value}) and a list of {@code KEY=value} strings. Numbers and booleans become their
     * text. A variable listed without a value (taken from the host's shell by docker compose) is left out: the native
     * stack reads only the repository's files.
     */
    public Map<String, String> serviceEnvironment(String service) {
        Object environment = service(service).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        String where = "services." + service + ".environment";
        if (environment == null) {
            return result;
        }
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (value != null) {
                    result.put(String.valueOf(key), interpolate(scalar(value, where + "." + key), where + "." + key));
                }
            });
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String text = scalar(entry, where);
                int eq = text.indexOf('=');
                if (eq > 0) {
                    String key = text.substring(0, eq);
                    result.put(key, interpolate(text.substring(eq + 1), where + "." + key));
                }
            }
        } else {
            throw new IllegalArgumentException(source + ": " + where + " is neither a mapping nor a list");
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * The bind mounts of {@code services.<service>.volumes} from the repository ({@code ./host:/container[:options]}
     * in the short syntax, or {@code type: bind} in the long one): container path -> host path relative to the
     * compose file's folder. Named volumes are left out.
     */
    public Map<String, String> serviceBindMounts(String service) {
        Object volumes = service(service).get("volumes");
        Map<String, String> mounts = new LinkedHashMap<>();
        if (!(volumes instanceof List<?> list)) {
            return mounts;
        }
        String where = "services." + service + ".volumes";
        for (Object entry : list) {
            if (entry instanceof Map<?, ?> longSyntax) {
                if ("bind".equals(longSyntax.get("type"))) {
                    mounts.put(interpolate(scalar(longSyntax.get("target"), where), where),
                            interpolate(scalar(longSyntax.get("source"), where), where));
                }
                continue;
            }
            String[] parts = interpolate(scalar(entry, where), where).split(":");
            if (parts.length >= 2 && (parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                mounts.put(parts[1], parts[0]);
            }
        }
        return Collections.unmodifiableMap(mounts);
    }

    /** {@code services.<service>.command} in its list form, interpolated ({@code $$} is a literal {@code $}). */
    public List<String> serviceCommand(String service) {
        String where = "services." + service + ".command";
        if (!(service(service).get("command") instanceof List<?> list)) {
            throw new IllegalArgumentException(source + ": " + where + " is not a list of arguments");
        }
        List<String> command = new ArrayList<>();
        for (Object argument : list) {
            command.add(interpolate(scalar(argument, where), where));
        }
        return List.copyOf(command);
    }

    /** Where {@code services.<service>.volumes} mounts the named volume {@code volume} (short syntax), if it does. */
    public Optional<String> serviceVolumeTarget(String service, String volume) {
        if (service(service).get("volumes") instanceof List<?> list) {
            String where = "services." + service + ".volumes";
            for (Object entry : list) {
                String[] parts = entry instanceof Map ? new String[0] : interpolate(scalar(entry, where), where).split(":");
                if (parts.length >= 2 && parts[0].equals(volume)) {
                    return Optional.of(parts[1]);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code .env} variables that set the host ports the services publish (in {@code ports:},
     * {@code "${BIND_ADDRESS}:${PROMETHEUS_PORT}:9090"} gives {@code PROMETHEUS_PORT}), in file order: the one list of
     * the stack's published port settings.
     */
    public List<String> publishedPortVariables() {
        List<String> variables = new ArrayList<>();
        if (root.get("services") instanceof Map<?, ?> services) {
            for (Object name : services.keySet()) {
                if (service(String.valueOf(name)).get("ports") instanceof List<?> ports) {
                    for (Object port : ports) {
                        Matcher hostPort = HOST_PORT_VARIABLE.matcher(String.valueOf(port));
                        if (hostPort.find()) {
                            variables.add(hostPort.group(1));
                        }
                    }
                }
            }
        }
        return List.copyOf(variables);
    }

    /** Whether the file defines {@code services.<name>}. */
    /** The names of {@code services}, in file order. */
    public List<String> serviceNames() {
        return root.get("services") instanceof Map<?, ?> all
                ? all.keySet().stream().map(String::valueOf).toList() : List.of();
    }

    public boolean hasService(String name) {
        return root.get("services") instanceof Map<?, ?> services && services.get(name) instanceof Map;
    }

    private Map<?, ?> service(String name) {
        Object services = root.get("services");
        if (!(services instanceof Map<?, ?> all) || !(all.get(name) instanceof Map<?, ?> service)) {
            throw new IllegalArgumentException(source + " has no service named '" + name + "'");
        }
        return service;
    }

    private String scalar(Object value, String where) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new IllegalArgumentException(source + ": " + where + " must be a string, number or boolean, got "
                + value);
    }

    private String interpolate(String text, String where) {
        try {
            return interpolation.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + where + ": " + e.getMessage(), e);
        }
    }

    public Path source() {
        return source;
    }
}
