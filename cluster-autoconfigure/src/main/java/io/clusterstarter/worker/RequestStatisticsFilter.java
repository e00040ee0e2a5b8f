package io.clusterstarter.worker;

import java.io.IOException;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.clusterstarter.warmup.WarmupTraffic;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet filter that feeds {@link RequestStatistics}. An asynchronous request counts as served
 * when it completes, not when the filter chain returns.
 *
 * @author cluster-spring-boot-starter
 */
public class RequestStatisticsFilter extends OncePerRequestFilter {

	private final RequestStatistics statistics;

	/**
	 * Create the filter.
	 * @param statistics where requests are counted
	 */
	public RequestStatisticsFilter(RequestStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		// The warm-up's requests are not traffic
		return WarmupTraffic.isWarmup(request.getLocalPort());
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		// An async dispatch continues a request that is already counted
		return true;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		this.statistics.started();
		boolean async = false;
		try {
			chain.doFilter(request, response);
			if (request.isAsyncStarted()) {
				async = true;
				request.getAsyncContext().addListener(new CompletionListener());
			}
		}
		finally {
			if (!async) {
				this.statistics.completed();
			}
		}
	}

	private final class CompletionListener implements AsyncListener {

		@Override
		public void onComplete(AsyncEvent event) {
			RequestStatisticsFilter.this.statistics.completed();
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			// onComplete follows
		}

		@Override
		public void onError(AsyncEvent event) {
			// onComplete follows
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			event.getAsyncContext().addListener(this);
		}

	}

}
