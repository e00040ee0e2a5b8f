#!/usr/bin/env bash
# Keeps the README's "Getting the starter" true: installs the starter as the README says, then
# builds a separate application whose pom holds the README's dependency snippet, verbatim, and
# whose code uses the starter's API. Fails loudly when either step does not work.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q --no-transfer-progress -DskipTests install

consumer=$(mktemp -d)
trap 'rm -rf "$consumer"' EXIT
python3 - "$consumer" <<'PY'
import pathlib, re, sys
readme = pathlib.Path('README.md').read_text()
quick_start = readme[readme.index('## Quick start'):]
snippet = re.search(r'```xml\n(.*?)```', quick_start, re.S).group(1)
boot = re.search(r'<artifactId>spring-boot-starter-parent</artifactId>\s*<version>([^<]+)</version>',
                 pathlib.Path('pom.xml').read_text()).group(1)
consumer = pathlib.Path(sys.argv[1])
(consumer / 'pom.xml').write_text(f'''<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
	<modelVersion>4.0.0</modelVersion>
	<parent>
		<groupId>org.springframework.boot</groupId>
		<artifactId>spring-boot-starter-parent</artifactId>
		<version>{boot}</version>
		<relativePath/>
	</parent>
	<groupId>com.example</groupId>
	<artifactId>quick-start</artifactId>
	<version>1.0</version>
	<properties><java.version>17</java.version></properties>
	<dependencies>
{snippet}	</dependencies>
	<build><plugins><plugin>
		<groupId>org.springframework.boot</groupId>
		<artifactId>spring-boot-maven-plugin</artifactId>
	</plugin></plugins></build>
</project>
''')
source = consumer / 'src/main/java/com/example/App.java'
source.parent.mkdir(parents=True)
source.write_text('''package com.example;

import io.clusterstarter.Cluster;
import io.clusterstarter.OnOneWorker;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class App {

	@OnOneWorker
	public void once(Cluster cluster) {
	}

	public static void main(String[] args) {
		SpringApplication.run(App.class, args);
	}

}
''')
PY
./mvnw -B -q --no-transfer-progress -f "$consumer/pom.xml" package
test -f "$consumer/target/quick-start-1.0.jar"
echo "quick start: the README's dependency resolves from the local install and the starter's API compiles"
