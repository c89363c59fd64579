package io.github.cdcmonitoring.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * A service's environment as docker-compose.yml gives it, with {@code ${NAME}} taken from .env (the only form of
 * interpolation the Java services' compose services use; any other form fails here rather than being read wrong). Tests
 * of the generator and the change exporter compare their defaults with it.
 */
public final class ComposeService {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private ComposeService() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> services(RepoFiles repo) {
        try {
            Map<String, Object> compose = new Yaml().load(Files.readString(repo.file("docker-compose.yml")));
            return (Map<String, Object>) compose.get("services");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, String> environment(RepoFiles repo, String service) {
        Map<String, Object> definition = (Map<String, Object>) services(repo).get(service);
        if (definition == null) {
            throw new IllegalStateException("docker-compose.yml has no service " + service);
        }
        Map<String, String> dotEnv = repo.dotEnv().asMap();
        Map<String, String> environment = new LinkedHashMap<>();
        ((Map<String, Object>) definition.get("environment")).forEach((name, value) -> {
            String text = String.valueOf(value);
            Matcher m = VARIABLE.matcher(text);
            StringBuilder resolved = new StringBuilder();
            while (m.find()) {
                String variable = m.group(1);
                if (!dotEnv.containsKey(variable)) {
                    throw new IllegalStateException(service + "." + name + " uses ${" + variable + "}, not in .env");
                }
                m.appendReplacement(resolved, Matcher.quoteReplacement(dotEnv.get(variable)));
            }
            m.appendTail(resolved);
            if (resolved.indexOf("$") >= 0) {
                throw new IllegalStateException(service + "." + name + ": interpolation form not handled: " + text);
            }
            environment.put(name, resolved.toString());
        });
        return environment;
    }
}
