package io.clusterstarter.port;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet filter that closes the connection after each response while the worker leaves
 * ({@link LeavingConnections}). It asks for a chunked body as well: told {@code Connection:
 * close}, a servlet container ends a body of unknown length by closing the connection, which a
 * client cannot tell from an answer cut short (wrk counts each as a read error); Jetty keeps
 * chunking when the application asks for it, and leaves the header out where it does not
 * belong (HTTP/1.0, a body-less status). HTTP/2 is left alone: its connections end with the
 * server's GOAWAY.
 *
 * @author cluster-spring-boot-starter
 */
public class LeavingConnectionsFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (LeavingConnections.requestStarted() && request.getProtocol().startsWith("HTTP/1.")) {
			response.setHeader(HttpHeaders.CONNECTION, "close");
			response.setHeader(HttpHeaders.TRANSFER_ENCODING, "chunked");
		}
		chain.doFilter(request, response);
	}

}
