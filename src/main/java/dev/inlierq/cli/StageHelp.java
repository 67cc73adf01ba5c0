package dev.inlierq.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The option list of {@code --help} in sections, one per {@link Stage} in pipeline order, each headed by the stage
 * and sorted by name as picocli sorts them; options of no stage (help, version) come first. Only the help text
 * changes: the options are still a command's plain options and mixins, parsed as before. A command without staged
 * options keeps picocli's single list.
 */
final class StageHelp implements CommandLine.IHelpSectionRenderer {
    /** Uses this option list for {@code cl} and all its subcommands. */
    static void install(CommandLine cl) {
        cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, new StageHelp());
        cl.getSubcommands().values().forEach(StageHelp::install);
    }

    @Override
    public String render(CommandLine.Help help) {
        Map<Stage, List<OptionSpec>> staged = new EnumMap<>(Stage.class);
        List<OptionSpec> general = new ArrayList<>();
        for (OptionSpec o : help.commandSpec().options()) {
            Stage s = Stage.of(o);
            if (s == null) {
                general.add(o);
            } else {
                staged.computeIfAbsent(s, k -> new ArrayList<>()).add(o);
            }
        }
        if (staged.isEmpty()) {
            return help.optionList();
        }
        StringBuilder b = new StringBuilder(help.optionListExcludingGroups(general));
        staged.forEach((stage, options) -> b.append(help.createHeading("%n" + stage.heading() + ":%n"))
                .append(help.optionListExcludingGroups(options)));
        return b.toString();
    }
}
