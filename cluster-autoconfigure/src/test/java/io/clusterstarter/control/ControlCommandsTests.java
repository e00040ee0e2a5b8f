package io.clusterstarter.control;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the command lines {@link ControlCommands} accepts; what each command does is
 * tested against a real cluster ({@code SampleControlIT}).
 */
class ControlCommandsTests {

	@Test
	void parsesEachCommandsOptionsAndArguments() {
		ControlCommands.Arguments logs = ControlCommands.Arguments.parse(List.of("logs", "3", "-n", "50", "-f", "--json"));
		assertThat(logs.positional()).containsExactly("3");
		assertThat(logs.lines()).isEqualTo(50);
		assertThat(logs.follow()).isTrue();
		assertThat(logs.json()).isTrue();
		assertThat(ControlCommands.Arguments.parse(List.of("logs")).lines()).isEqualTo(ControlCommands.DEFAULT_LOG_LINES);
		assertThat(ControlCommands.Arguments.parse(List.of("scale", "4")).number(0)).isEqualTo(4);
		assertThat(ControlCommands.Arguments.parse(List.of("deploy", "../app-2.jar")).positional(0))
			.isEqualTo("../app-2.jar");
		assertThat(ControlCommands.Arguments.parse(List.of("upgrade")).positionals()).isZero();
		assertThat(ControlCommands.Arguments.parse(List.of("upgrade", "app-2.jar", "--json")).positional(0))
			.isEqualTo("app-2.jar");
	}

	@Test
	void refusesWhatNoCommandTakesWithTheReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("status", "extra"))
			.withMessage("status takes no arguments, not extra");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("scale", "-1"))
			.withMessage("the number of workers must be a whole number of at least 1, not '-1'");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("scale"))
			.withMessage("scale takes the number of workers, not none");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("restart", "one"))
			.withMessage("the worker id must be a whole number of at least 0, not 'one'");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("logs", "-n"))
			.withMessage("-n needs a number of lines");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("reload", "--force"))
			.withMessage("unknown option '--force' for reload");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("status", "-f"))
			.withMessage("unknown option '-f' for status");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("upgrade", "a.jar", "b.jar"))
			.withMessage("upgrade takes at most the artifact to upgrade to, not a.jar b.jar");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("rm", "-rf"))
			.withMessage("unknown command 'rm'");
	}

	private static ControlCommands.Arguments parse(String... args) {
		return ControlCommands.Arguments.parse(List.of(args));
	}

}
