import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '../config/config.module';
import { Environment } from '../config/environment';
import { MetricsModule } from '../metrics/metrics.module';
import { PlumModule } from '../plum/plum.module';
import { DoctorService } from './doctor.service';

/**
 * Just enough of the application for the doctor: the validated configuration and the same Plum
 * client (login, token handling, error kinds) the workers use, so "Plum accepts the credentials"
 * means what it means to the service. No database pool, queue or worker is started.
 */
@Module({})
export class DoctorModule {
  static forRoot(env: Environment): DynamicModule {
    return {
      module: DoctorModule,
      imports: [AppConfigModule.forRoot(env), MetricsModule.register({ http: false, workerListener: false, queueDepth: false }), PlumModule],
      providers: [DoctorService],
    };
  }
}
