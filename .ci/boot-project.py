#!/usr/bin/env python3
"""Writes a project on a given Spring Boot release that uses the installed starter, as a user's
project would: the sample's sources on a server (tomcat, jetty, or netty, which keeps Spring MVC on
the class path without a server, as the sample's -Pnetty does), or ("minimal") an empty web
application. Its jar is target/app.jar.

    .ci/boot-project.py VERSION DIRECTORY [sample|sample-jetty|sample-netty|minimal]
"""
import pathlib, shutil, sys
version, directory = sys.argv[1], pathlib.Path(sys.argv[2])
kind = sys.argv[3] if len(sys.argv) > 3 else 'sample'
properties = '<java.version>17</java.version>'
if kind.startswith('sample'):
    shutil.copytree('sample-app/src/main', directory / 'src/main')
    server = kind.partition('-')[2] or 'tomcat'
    mvc = """
		<dependency>
			<groupId>org.springframework.boot</groupId>
			<artifactId>spring-boot-starter-webmvc</artifactId>%s
		</dependency>"""
    without_tomcat = """
			<exclusions>
				<exclusion>
					<groupId>org.springframework.boot</groupId>
					<artifactId>spring-boot-starter-tomcat</artifactId>
				</exclusion>
			</exclusions>"""
    web = {'tomcat': mvc % '', 'jetty': mvc % without_tomcat + """
		<dependency>
			<groupId>org.springframework.boot</groupId>
			<artifactId>spring-boot-starter-jetty</artifactId>
		</dependency>""", 'netty': mvc % without_tomcat + """
		<dependency>
			<groupId>org.springframework.boot</groupId>
			<artifactId>spring-boot-starter-webflux</artifactId>
		</dependency>"""}[server]
    # Spring Boot 4.1.2 manages Netty 4.2.19, whose native QUIC codec some registries lack
    if server == 'netty' and version.startswith('4.1.'):
        properties += '<netty.version>4.2.18.Final</netty.version>'
    extra = """
		<dependency>
			<groupId>io.micrometer</groupId>
			<artifactId>micrometer-registry-prometheus</artifactId>
		</dependency>"""
else:
    source = directory / 'src/main/java/com/example/App.java'
    source.parent.mkdir(parents=True)
    source.write_text("""package com.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class App {

	public static void main(String[] args) {
		SpringApplication.run(App.class, args);
	}

}
""")
    web = 'spring-boot-starter-web' if version.startswith('3.') else 'spring-boot-starter-webmvc'
    web = f"""
		<dependency>
			<groupId>org.springframework.boot</groupId>
			<artifactId>{web}</artifactId>
		</dependency>"""
    extra = ''
(directory / 'pom.xml').write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
	<modelVersion>4.0.0</modelVersion>
	<parent>
		<groupId>org.springframework.boot</groupId>
		<artifactId>spring-boot-starter-parent</artifactId>
		<version>{version}</version>
		<relativePath/>
	</parent>
	<groupId>com.example</groupId>
	<artifactId>sample-on-boot</artifactId>
	<version>1.0</version>
	<properties>{properties}</properties>
	<dependencies>
		<dependency>
			<groupId>io.clusterstarter</groupId>
			<artifactId>cluster-spring-boot-starter</artifactId>
			<version>0.1.0-SNAPSHOT</version>
		</dependency>{web}{extra}
	</dependencies>
	<build>
		<finalName>app</finalName>
		<plugins><plugin>
			<groupId>org.springframework.boot</groupId>
			<artifactId>spring-boot-maven-plugin</artifactId>
		</plugin></plugins>
	</build>
</project>
""")
