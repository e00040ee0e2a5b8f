package io.clusterstarter.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Import;

/**
 * Port sharing for a separate {@code management.server.port}: the management server lives in a
 * child context that does not see the application's server customizers, so they are imported
 * there too.
 *
 * @author cluster-spring-boot-starter
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClusterWorker
@Import({ ClusterPortSharingAutoConfiguration.Tomcat.class, ClusterPortSharingAutoConfiguration.Jetty.class,
		ClusterPortSharingAutoConfiguration.Netty.class })
class ClusterManagementPortSharingConfiguration {

}
